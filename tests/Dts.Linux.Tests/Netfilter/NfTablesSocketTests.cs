using System.Net;
using Dts.Core.Tcp;
using Dts.Linux.Netfilter;

namespace Dts.Linux.Tests.Netfilter;

/// <summary>
/// The bytes <see cref="NfTablesSocket"/> sends, compared with what nft 1.0.6 (libnftnl 1.2.4) sent on this machine for
/// <c>nft add element inet t handed_out { 198.18.0.5 . 40001 timeout 120000ms }</c> and the matching delete
/// (<c>strace -e sendmsg -xx</c>). Two differences, on purpose: nft also sends NFTA_SET_ELEM_LIST_SET_ID with an add (only needed for
/// a set created in the same batch; the kernel looks the set up by name first), and the last command here asks for an
/// ACK (NLM_F_ACK), where nft reads errors without one.
/// </summary>
public sealed class NfTablesSocketTests
{
    private static readonly FlowKey Flow = new(new IPEndPoint(IPAddress.Parse("198.18.0.5"), 40001), new IPEndPoint(IPAddress.Parse("198.18.0.100"), 80));

    // nlmsghdr (len, type, flags, seq, pid) + nfgenmsg (family, version, res_id big-endian)
    private const string BatchBegin0 = "14000000 1000 0100 00000000 00000000 00 00 000a";
    private const string Table = "0600 0100 7400 0000";                                        // NFTA_SET_ELEM_LIST_TABLE "t\0" + pad
    private const string HandedOut = "0f00 0200 68616e6465645f6f757400 00";                     // NFTA_SET_ELEM_LIST_SET "handed_out\0" + pad
    private const string KeyAttribute = "1000 0180 0c00 0100 c6120005 9c410000";                // NFTA_SET_ELEM_KEY { NFTA_DATA_VALUE 198.18.0.5 . 40001 }
    private const string Timeout120s = "0c00 0400 000000000001d4c0";                           // NFTA_SET_ELEM_TIMEOUT be64 120000 ms

    [Fact]
    public void WriteBatch_Add_MatchesNftBytes()
    {
        string expected = BatchBegin0
            // NFT_MSG_NEWSETELEM (0x0a0c), NLM_F_REQUEST | NLM_F_CREATE | NLM_F_ACK, seq 1, NFPROTO_INET, res_id 0
            + "50000000 0c0a 0504 01000000 00000000 01 00 0000" + Table + HandedOut
            // NFTA_SET_ELEM_LIST_ELEMENTS { NFTA_LIST_ELEM { timeout, key } }, both NLA_F_NESTED; nft's order
            + "2400 0380 2000 0180" + Timeout120s + KeyAttribute
            + "14000000 1100 0100 02000000 00000000 00 00 000a"; // NFNL_MSG_BATCH_END, seq 2

        Assert.Equal(Hex(expected), Write(0, SetElementCommand.Add(Set("handed_out"), 120_000)));
    }

    [Fact]
    public void WriteBatch_AddThenDelete_OnlyTheLastCommandAsksForAnAck()
    {
        string expected = "14000000 1000 0100 07000000 00000000 00 00 000a"
            // NFT_MSG_NEWSETELEM, NLM_F_REQUEST | NLM_F_CREATE (no ACK: not the last command), seq 8
            + "50000000 0c0a 0104 08000000 00000000 01 00 0000" + Table + HandedOut
            + "2400 0380 2000 0180 0c00 0400 00000000000003e8" + KeyAttribute // timeout 1000 ms
            // NFT_MSG_DELSETELEM (0x0a0e), NLM_F_REQUEST | NLM_F_ACK, seq 9: no timeout attribute; nft sends these 68
            // bytes too, but for the flags
            + "44000000 0e0a 0500 09000000 00000000 01 00 0000" + Table + HandedOut
            + "1800 0380 1400 0180" + KeyAttribute
            + "14000000 1100 0100 0a000000 00000000 00 00 000a";

        byte[] set = Set("handed_out");
        Assert.Equal(Hex(expected), Write(7, SetElementCommand.Add(set, 1000), SetElementCommand.Delete(set)));
    }

    [Fact]
    public void WriteBatch_Destroy_IsTheDeleteWithTheDestroyType()
    {
        string expected = "14000000 1000 0100 03000000 00000000 00 00 000a"
            // NFT_MSG_DESTROYSETELEM (0x0a1e), NLM_F_REQUEST (not the last command), seq 4
            + "44000000 1e0a 0100 04000000 00000000 01 00 0000" + Table + HandedOut + "1800 0380 1400 0180" + KeyAttribute
            // the same for closed, NLM_F_REQUEST | NLM_F_ACK, seq 5
            + "40000000 1e0a 0500 05000000 00000000 01 00 0000" + Table + "0b00 0200 636c6f73656400 00" + "1800 0380 1400 0180" + KeyAttribute
            + "14000000 1100 0100 06000000 00000000 00 00 000a";

        Assert.Equal(Hex(expected), Write(3, SetElementCommand.Destroy(Set("handed_out")), SetElementCommand.Destroy(Set("closed"))));
    }

    [Fact]
    public void KernelHasDestroySetElement_FollowsUnameRelease()
    {
        string[] release = Infrastructure.Shell.Run("uname", "-r").Trim().Split('.', '-');
        var version = new Version(int.Parse(release[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(release[1], System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(version >= new Version(6, 3), NfTablesSocket.KernelHasDestroySetElement);
    }

    [Fact]
    public void WriteKey_Ipv4MappedClient_IsAddressPortAndTwoZeroBytes()
    {
        var mapped = new FlowKey(new IPEndPoint(IPAddress.Parse("::ffff:10.1.2.3"), 443), Flow.Local);
        Span<byte> key = stackalloc byte[NftFlowTable.KeyLength];
        key.Fill(0xee);

        NftFlowTable.WriteKey(mapped, key);

        Assert.Equal(Hex("0a010203 01bb 0000"), key.ToArray());
        var v6 = new FlowKey(new IPEndPoint(IPAddress.Parse("2001:db8::1"), 443), Flow.Local);
        Assert.Throws<ArgumentException>(() => NftFlowTable.WriteKey(v6, new byte[NftFlowTable.KeyLength]));
    }

    [Fact]
    public void ReadAnswers_SkipsLeftoversOfEarlierBatches_EndsAtTheLastCommandsAck()
    {
        int error = 0;
        // An ENOENT for seq 9 and an ACK for seq 12 (an earlier batch's), then this batch's (20..23) error on 21.
        Assert.False(NfTablesSocket.ReadAnswers(Answers((9, -2), (12, 0), (21, -2)), 20, 23, ref error));
        Assert.Equal(2, error);
        Assert.False(NfTablesSocket.ReadAnswers(Answers((22, -2)), 20, 23, ref error));
        Assert.True(NfTablesSocket.ReadAnswers(Answers((23, -2)), 20, 23, ref error));
        Assert.Equal(2, error); // the first error of the batch

        int ok = 0;
        Assert.True(NfTablesSocket.ReadAnswers(Answers((23, 0), (24, -1)), 20, 23, ref ok));
        Assert.Equal(0, ok);
    }

    [Fact]
    public void ReadAnswers_ErrorOnTheBeginMessage_EndsTheWait()
    {
        int error = 0;
        Assert.True(NfTablesSocket.ReadAnswers(Answers((20, -1)), 20, 23, ref error)); // EPERM: the batch as a whole
        Assert.Equal(1, error);

        int wrapped = 0; // seq wraps inside the batch
        Assert.False(NfTablesSocket.ReadAnswers(Answers((uint.MaxValue - 1, 0)), uint.MaxValue, 1, ref wrapped));
        Assert.True(NfTablesSocket.ReadAnswers(Answers((1, -17)), uint.MaxValue, 1, ref wrapped));
        Assert.Equal(17, wrapped);
    }

    /// <summary>NLMSG_ERROR messages as the kernel sends them with NETLINK_CAP_ACK: nlmsghdr, error, the request's nlmsghdr.</summary>
    private static byte[] Answers(params (uint Seq, int Error)[] answers)
    {
        var bytes = new List<byte>();
        foreach ((uint seq, int error) in answers)
        {
            bytes.AddRange(BitConverter.GetBytes(36u));
            bytes.AddRange(BitConverter.GetBytes((ushort)2)); // NLMSG_ERROR
            bytes.AddRange(BitConverter.GetBytes((ushort)0x100)); // NLM_F_CAPPED
            bytes.AddRange(BitConverter.GetBytes(seq));
            bytes.AddRange(BitConverter.GetBytes(4242u));
            bytes.AddRange(BitConverter.GetBytes(error));
            bytes.AddRange(new byte[16]);
        }

        return bytes.ToArray();
    }

    private static byte[] Write(uint begin, params SetElementCommand[] commands)
    {
        Span<byte> key = stackalloc byte[NftFlowTable.KeyLength];
        NftFlowTable.WriteKey(Flow, key);
        byte[] buffer = new byte[1024];
        int length = NfTablesSocket.WriteBatch(buffer, begin, Set("t"), key, commands);
        return buffer[..length];
    }

    private static byte[] Set(string name) => SetElementCommand.NulTerminated(name);

    private static byte[] Hex(string spaced) => Convert.FromHexString(spaced.Replace(" ", "", StringComparison.Ordinal));
}
