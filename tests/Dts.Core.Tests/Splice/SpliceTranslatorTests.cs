using System.Buffers.Binary;
using CsCheck;
using Dts.Core.Packets;
using Dts.Core.Splice;
using Dts.Core.Tcp;
using Dts.Core.Tests.Packets;
using static Dts.Core.Tests.Splice.SpliceTestPackets;

namespace Dts.Core.Tests.Splice;

public class SpliceTranslatorTests
{
    private static TranslateResult Translate(byte[] packet, bool egress, SpliceRules rules, bool notReady) => egress
        ? SpliceTranslator.TranslateEgress(packet, rules, notReady)
        : SpliceTranslator.TranslateIngress(packet, rules, notReady);

    private static ushort ExpectedWindow(ushort field, byte targetShift, byte originShift)
    {
        int t = Math.Min((int)targetShift, 14);
        int o = Math.Min((int)originShift, 14);
        double bytes = field * Math.Pow(2, t);
        return (ushort)Math.Min(65535, Math.Ceiling(bytes / Math.Pow(2, o)));
    }

    [Fact]
    public void TranslateEgress_RandomSegments_MovesOnlySeqTsvalWindowAndChecksumVerifies()
    {
        Gen.Select(Segments, Rules).Sample((spec, rules) =>
        {
            byte[] before = Build(spec with { Egress = true });
            byte[] packet = (byte[])before.Clone();

            Assert.Equal(TranslateResult.Translated, SpliceTranslator.TranslateEgress(packet, rules, spec.NotReady));

            Assert.Equal(new SeqNum(spec.Seq) + rules.SeqDelta, Seq(packet));
            Assert.Equal(new SeqNum(spec.Ack), Ack(packet));
            Assert.Equal(ExpectedWindow(spec.Window, rules.TargetRcvWscale, rules.OriginRcvWscale), Window(packet));
            if (spec.HasTimestamps)
            {
                Assert.Equal(new TcpTimestamps(new SeqNum(spec.TsVal) + rules.TsDelta, new SeqNum(spec.TsEcr)), Timestamps(packet));
            }

            Assert.Equal(SackBlocks(before), SackBlocks(packet));
            Assert.Equal(before[^spec.PayloadLength..], packet[^spec.PayloadLength..]);
            Assert.Equal(before[..IpHeaderLength(before)], packet[..IpHeaderLength(packet)]);
            Assert.True(ChecksumValid(packet));
        }, iter: 2000);
    }

    [Fact]
    public void TranslateIngress_RandomSegments_MovesAckTsecrSackEdgesAndChecksumVerifies()
    {
        Gen.Select(Segments, Rules).Sample((spec, rules) =>
        {
            byte[] before = Build(spec with { Egress = false });
            byte[] packet = (byte[])before.Clone();
            bool ack = (spec.Flags & TcpFlags.Ack) != 0;

            Assert.Equal(TranslateResult.Translated, SpliceTranslator.TranslateIngress(packet, rules, spec.NotReady));

            Assert.Equal(new SeqNum(spec.Seq), Seq(packet));
            Assert.Equal(ack ? new SeqNum(spec.Ack) - rules.SeqDelta : new SeqNum(spec.Ack), Ack(packet));
            Assert.Equal(spec.Window, Window(packet));
            if (spec.HasTimestamps)
            {
                SeqNum echo = ack ? new SeqNum(spec.TsEcr) - rules.TsDelta : new SeqNum(spec.TsEcr);
                Assert.Equal(new TcpTimestamps(new SeqNum(spec.TsVal), echo), Timestamps(packet));
            }

            SackBlock[] expected = spec.Sack.Select(b => new SackBlock(new SeqNum(b.Left) - rules.SeqDelta, new SeqNum(b.Right) - rules.SeqDelta)).ToArray();
            Assert.Equal(expected, SackBlocks(packet));
            Assert.Equal(before[..IpHeaderLength(before)], packet[..IpHeaderLength(packet)]);
            Assert.True(ChecksumValid(packet));
        }, iter: 2000);
    }

    [Fact]
    public void TranslateEgress_ThenInverseRules_RestoresEveryByte()
    {
        // Equal shifts, or a target shift ≥ the origin's without clamping: the window maps back exactly.
        Gen.Select(Segments, Rules, Gen.Bool).Sample((spec, rules, sameShift) =>
        {
            SpliceRules r = sameShift ? rules with { OriginRcvWscale = rules.TargetRcvWscale } : rules;
            int t = Math.Min((int)r.TargetRcvWscale, 14);
            int o = Math.Min((int)r.OriginRcvWscale, 14);
            ushort window = t >= o ? (ushort)(spec.Window >> (t - o)) : (ushort)((spec.Window >> (o - t)) << (o - t));
            byte[] original = Build(spec with { Egress = true, Window = window });
            byte[] packet = (byte[])original.Clone();

            Assert.Equal(TranslateResult.Translated, SpliceTranslator.TranslateEgress(packet, r, spec.NotReady));
            Assert.Equal(TranslateResult.Translated, SpliceTranslator.TranslateEgress(packet, r.Invert(), checksumNotReady: false));

            Assert.Equal(WithoutChecksum(original), WithoutChecksum(packet));
            Assert.True(ChecksumValid(packet));
        }, iter: 2000);
    }

    [Fact]
    public void TranslateIngress_ThenInverseRules_RestoresEveryByte()
    {
        Gen.Select(Segments, Rules).Sample((spec, rules) =>
        {
            byte[] original = Build(spec with { Egress = false, NotReady = false });
            byte[] packet = (byte[])original.Clone();

            Assert.Equal(TranslateResult.Translated, SpliceTranslator.TranslateIngress(packet, rules, spec.NotReady));
            Assert.Equal(TranslateResult.Translated, SpliceTranslator.TranslateIngress(packet, rules.Invert(), spec.NotReady));

            Assert.Equal(WithoutChecksum(original), WithoutChecksum(packet));
            Assert.True(ChecksumValid(packet));
        }, iter: 2000);
    }

    [Fact]
    public void TranslateIngress_ClientEchoOfTranslatedEgress_MapsBackToTargetNumbering()
    {
        // Origin and target ISNs anywhere, wrap included: the client acks, SACKs and echoes what it was sent in the
        // origin's numbering, and the target must read back exactly its own (RFC 9293 §3.4, RFC 2018 §3, RFC 7323 §3).
        Gen.Select(Isn, Isn, Isn, Isn, Gen.Int[1, 1448], Gen.UInt[1u, 1u << 20], Gen.Bool, Gen.Bool).Sample(
            (originIsn, targetIsn, originTs, targetTs, length, dsackBack, v6, notReady) =>
            {
                SpliceRules rules = SpliceRules.Create(new SeqNum(originIsn), new SeqNum(targetIsn), new SeqNum(originTs), new SeqNum(targetTs), 7, 7);
                SeqNum targetSeq = new SeqNum(targetIsn) + 1u;
                byte[] data = Build(new SegmentSpec(v6, true, TcpFlags.Ack | TcpFlags.Psh, targetSeq.Value, 99, 500, true,
                    targetTs, 1, [], 2, length, notReady));
                Assert.Equal(TranslateResult.Translated, SpliceTranslator.TranslateEgress(data, rules, notReady));
                SeqNum seenSeq = Seq(data);
                Assert.Equal(new SeqNum(originIsn) + 1u, seenSeq);
                Assert.Equal(new SeqNum(originTs), Timestamps(data).Value);

                // The client SACKs the segment and reports a duplicate below it (D-SACK, RFC 2883) with an old ack.
                SeqNum end = seenSeq + length;
                RawSack[] sacks = [new((seenSeq - dsackBack).Value, seenSeq.Value), new(seenSeq.Value, end.Value)];
                byte[] echo = Build(new SegmentSpec(v6, false, TcpFlags.Ack, 5, seenSeq.Value, 500, true, 7,
                    Timestamps(data).Value.Value, sacks, 2, 0, notReady));
                Assert.Equal(TranslateResult.Translated, SpliceTranslator.TranslateIngress(echo, rules, notReady));

                Assert.Equal(targetSeq, Ack(echo));
                Assert.Equal(new SeqNum(targetTs), Timestamps(echo).EchoReply);
                Assert.Equal([new SackBlock(targetSeq - dsackBack, targetSeq), new SackBlock(targetSeq, targetSeq + length)], SackBlocks(echo));
                Assert.True(ChecksumValid(echo));
            }, iter: 2000);
    }

    [Fact]
    public void TranslateIngress_SackBlocks_StayOrderedWithSameLength()
    {
        Gen.Select(Segments, Rules).Sample((spec, rules) =>
        {
            byte[] packet = Build(spec with { Egress = false });
            SpliceTranslator.TranslateIngress(packet, rules, spec.NotReady);

            SackBlock[] blocks = SackBlocks(packet);
            for (int i = 0; i < blocks.Length; i++)
            {
                Assert.True(blocks[i].Left < blocks[i].Right, $"block {i} {blocks[i]}");
                Assert.Equal(unchecked((int)(spec.Sack[i].Right - spec.Sack[i].Left)), blocks[i].Right - blocks[i].Left);
            }
        }, iter: 2000);
    }

    [Fact]
    public void TranslateEgress_GrowingAcks_RightEdgeNeverLeftOfTargetsAndRetractsLessThanOneGranule()
    {
        // The target's own right edge (ack + field·2^ws_t) never moves left while acks grow; the translated one
        // (ack + field'·2^ws_o, what the client computes, RFC 7323 §2.3) is never left of it unless the 16-bit field
        // cannot express it (clamp), and moves left between packets by less than 2^ws_o at most (RFC 7323 §2.4
        // rounding retraction) — not at all when ws_t ≥ ws_o.
        Gen.Select(Isn, Gen.Byte[0, 14], Gen.Byte[0, 14], Gen.Select(Gen.UInt[0u, 70_000u], Gen.UInt[0u, 50_000u]).Array[1, 40])
            .Sample((startAck, wsT, wsO, steps) =>
            {
                var rules = new SpliceRules(0x1234_5678u, 0, wsT, wsO);
                SeqNum ack = new(startAck);
                SeqNum targetEdge = ack;
                SeqNum? previous = null;
                foreach ((uint ackStep, uint edgeStep) in steps)
                {
                    ack += ackStep;
                    SeqNum wanted = targetEdge + edgeStep;
                    targetEdge = wanted > ack ? wanted : ack; // never shrinks, and never left of the ack
                    // The target rounds up to its granule as Linux's tcp_select_window does, so its own edge never retracts.
                    uint window = (uint)(((ulong)(uint)(targetEdge - ack) + (1UL << wsT) - 1) >> wsT);
                    ushort field = (ushort)Math.Min(window, 65535u);
                    targetEdge = ack + (field << wsT); // what the target really advertised

                    byte[] packet = Build(new SegmentSpec(false, true, TcpFlags.Ack, 1, ack.Value, field, true, 1, 1, [], 0, 0, false));
                    Assert.Equal(TranslateResult.Translated, SpliceTranslator.TranslateEgress(packet, rules, false));
                    SeqNum edge = ack + ((uint)Window(packet) << wsO);

                    bool clamped = Window(packet) == 65535 && wsT > wsO;
                    if (!clamped)
                    {
                        Assert.True(edge >= targetEdge, $"edge {edge} left of target's {targetEdge}");
                        Assert.True(edge - targetEdge < 1 << wsO, $"edge {edge} too far right of {targetEdge}");
                    }

                    if (previous is SeqNum p)
                    {
                        Assert.True(edge - p > -(1 << wsO), $"retracted from {p} to {edge}");
                        if (wsT >= wsO)
                        {
                            Assert.True(edge >= p, $"retracted from {p} to {edge} with ws_t {wsT} ≥ ws_o {wsO}");
                        }
                    }

                    previous = edge;
                }
            }, iter: 3000);
    }

    [Fact]
    public void TranslateEgress_EdgeStillAndAckAdvancesByLessThanGranule_RetractsLessThanGranule()
    {
        // ws_t 0, ws_o 7: the target's edge stays at 1000; at ack 872 the 128-byte window maps exactly, at ack 873
        // the 127-byte window rounds up to 128 (edge 1001), at ack 1000 the zero window stays zero (edge 1000): the
        // unavoidable retraction of RFC 7323 §2.4, one byte here, never 2^7.
        var rules = new SpliceRules(0, 0, 0, 7);
        (uint ack, ushort field, uint edge)[] expected = [(872, 128, 1000), (873, 127, 1001), (1000, 0, 1000)];
        foreach ((uint ack, ushort field, uint edge) in expected)
        {
            byte[] packet = Build(new SegmentSpec(false, true, TcpFlags.Ack, 1, ack, field, false, 0, 0, [], 0, 0, false));
            SpliceTranslator.TranslateEgress(packet, rules, false);
            Assert.Equal(edge, ack + ((uint)Window(packet) << 7));
        }
    }

    [Theory]
    [InlineData(1, 0, 7, 1)]
    [InlineData(0, 0, 7, 0)]
    [InlineData(256, 0, 7, 2)]
    [InlineData(257, 0, 7, 3)]
    [InlineData(65535, 14, 0, 65535)]
    [InlineData(1000, 9, 7, 4000)]
    [InlineData(1000, 7, 9, 250)]
    [InlineData(1001, 7, 9, 251)]
    [InlineData(1000, 15, 14, 1000)]
    [InlineData(1000, 14, 15, 1000)]
    [InlineData(4, 2, 0, 16)]
    public void RescaleWindow_Examples_RoundUpAndClamp(int field, int targetShift, int originShift, int expected) =>
        Assert.Equal((ushort)expected, SpliceTranslator.RescaleWindow((ushort)field, (byte)targetShift, (byte)originShift));

    public static TheoryData<string, TcpFlags, int, bool> ZeroLengthAndClosing => new()
    {
        { "pure ACK", TcpFlags.Ack, 0, true },
        { "keepalive (seq = snd.nxt − 1, one garbage byte)", TcpFlags.Ack, 1, true },
        { "window probe", TcpFlags.Ack, 1, true },
        { "FIN", TcpFlags.Fin | TcpFlags.Ack, 0, true },
        { "RST+ACK", TcpFlags.Rst | TcpFlags.Ack, 0, true },
        { "RST without ACK", TcpFlags.Rst, 0, false },
    };

    [Theory]
    [MemberData(nameof(ZeroLengthAndClosing))]
    public void Translate_ZeroLengthFinRst_TranslatedBothWaysInBothChecksumModes(string what, TcpFlags flags, int length, bool hasTs)
    {
        var rules = new SpliceRules(0x8000_0010u, 0xFFFF_FFF0u, 7, 7);
        foreach (bool v6 in new[] { false, true })
        {
            foreach (bool notReady in new[] { false, true })
            {
                var spec = new SegmentSpec(v6, true, flags, 0xFFFF_FFFEu, 0x10u, 512, hasTs, 0xFFFF_FFFFu, 5, [], 2, length, notReady);
                byte[] egress = Build(spec);
                Assert.Equal(TranslateResult.Translated, SpliceTranslator.TranslateEgress(egress, rules, notReady));
                Assert.Equal(new SeqNum(0xFFFF_FFFEu) + 0x8000_0010u, Seq(egress));
                Assert.True(ChecksumValid(egress), what);

                byte[] ingress = Build(spec with { Egress = false, Ack = 0x7FFF_FFFFu });
                Assert.Equal(TranslateResult.Translated, SpliceTranslator.TranslateIngress(ingress, rules, notReady));
                bool ack = (flags & TcpFlags.Ack) != 0;
                Assert.Equal(ack ? new SeqNum(0x7FFF_FFFFu) - 0x8000_0010u : new SeqNum(0x7FFF_FFFFu), Ack(ingress));
                Assert.True(ChecksumValid(ingress), what);
            }
        }
    }

    [Theory]
    [InlineData(TcpFlags.Syn)]
    [InlineData(TcpFlags.Syn | TcpFlags.Ack)]
    [InlineData(TcpFlags.Syn | TcpFlags.Fin | TcpFlags.Rst)]
    public void Translate_SynSet_ReturnsHandshakeAndLeavesPacket(TcpFlags flags)
    {
        byte[] packet = Build(new SegmentSpec(false, true, flags, 1, 2, 3, true, 4, 5, [], 0, 0, false));
        byte[] before = (byte[])packet.Clone();
        var rules = new SpliceRules(1, 1, 0, 7);

        Assert.Equal(TranslateResult.Handshake, SpliceTranslator.TranslateEgress(packet, rules, false, out SpliceSegmentInfo info));
        Assert.Equal(TranslateResult.Handshake, SpliceTranslator.TranslateIngress(packet, rules, true));
        Assert.Equal(before, packet);
        Assert.Equal(flags, info.Flags);
    }

    [Fact]
    public void TranslateIngress_CapturedKernelSegments_ChecksumStaysValidAndFieldsMove()
    {
        var rules = new SpliceRules(0x47D7_0000u, 0x60BD_0000u, 10, 10);
        byte[] data = CapturedPackets.Bytes(CapturedPackets.Data);

        Assert.Equal(TranslateResult.Translated, SpliceTranslator.TranslateIngress(data, rules, false, out SpliceSegmentInfo info));

        Assert.Equal(new SeqNum(0xD4E830D5u - 0x47D7_0000u), Ack(data));
        Assert.Equal(new TcpTimestamps(new SeqNum(0xB2C2E4DFu), new SeqNum(0x60BD99A0u - 0x60BD_0000u)), Timestamps(data));
        Assert.Equal(new SpliceSegmentInfo(TcpFlags.Ack | TcpFlags.Psh, 18), info);
        Assert.True(ChecksumValid(data));
        Assert.Equal(TranslateResult.Handshake,
            SpliceTranslator.TranslateEgress(CapturedPackets.Bytes(CapturedPackets.LoopbackPartialSyn), rules, true));
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(false, false)]
    [InlineData(true, true)]
    [InlineData(true, false)]
    public void Translate_GsoSuperPacketOf64KiB_TranslatedWithValidChecksum(bool v6, bool notReady)
    {
        // IPv4 total length 65535 / IPv6 payload length 65535: far above any MTU, still header fields only.
        int payload = (v6 ? 65535 : 65535 - 20) - 20 - 12;
        var rules = new SpliceRules(0xDEAD_BEEFu, 0x0BAD_F00Du, 7, 7);
        byte[] egress = Build(new SegmentSpec(v6, true, TcpFlags.Ack, 0xFFFF_0000u, 1, 100, true, 2, 3, [], 2, payload, notReady));
        Assert.Equal(v6 ? 65575 : 65535, egress.Length);

        Assert.Equal(TranslateResult.Translated, SpliceTranslator.TranslateEgress(egress, rules, notReady, out SpliceSegmentInfo info));
        Assert.Equal(payload, info.PayloadLength);
        Assert.Equal(new SeqNum(0xFFFF_0000u) + 0xDEAD_BEEFu, Seq(egress));
        Assert.True(ChecksumValid(egress));

        byte[] ingress = Build(new SegmentSpec(v6, false, TcpFlags.Ack, 1, 0xFFFF_0000u, 100, true, 2, 3, [], 2, payload, notReady));
        Assert.Equal(TranslateResult.Translated, SpliceTranslator.TranslateIngress(ingress, rules, notReady));
        Assert.Equal(new SeqNum(0xFFFF_0000u) - 0xDEAD_BEEFu, Ack(ingress));
        Assert.True(ChecksumValid(ingress));
    }

    [Fact]
    public void TranslateEgress_NotReadyField_IgnoresGarbageInChecksumField()
    {
        // Not ready: whatever the field holds is discarded and the checksum computed in full.
        byte[] packet = Build(new SegmentSpec(false, true, TcpFlags.Ack, 1, 2, 3, true, 4, 5, [], 0, 100, true));
        packet[20 + 16] = 0xAB;
        packet[20 + 17] = 0xCD;
        SpliceTranslator.TranslateEgress(packet, new SpliceRules(5, 5, 0, 0), checksumNotReady: true);
        Assert.True(ChecksumValid(packet));
    }

    [Fact]
    public void TranslateIngress_ReadyButCorruptChecksum_StaysCorrupt()
    {
        // Incremental update (RFC 1624) carries an error through: the target's stack still drops the corrupt segment.
        byte[] packet = Build(new SegmentSpec(false, false, TcpFlags.Ack, 1, 2, 3, true, 4, 5, [], 0, 100, false));
        packet[^1] ^= 0x40;
        SpliceTranslator.TranslateIngress(packet, new SpliceRules(5, 5, 0, 0), checksumNotReady: false);
        Assert.False(ChecksumValid(packet));
    }

    [Fact]
    public void Translate_Ipv6WithHopByHopAndDestinationOptions_Translated()
    {
        byte[] plain = Build(new SegmentSpec(true, false, TcpFlags.Ack, 1, 1000, 3, true, 4, 5, [new RawSack(2000, 3000)], 0, 10, false));
        byte[] segment = Segment(plain);
        byte[] extensions = [60, 0, 1, 4, 0, 0, 0, 0, /* destination options: */ 6, 1, 1, 12, .. new byte[12]];
        byte[] packet = Wrap(true, ClientV6, VipV6, [.. extensions, .. segment], protocol: 0);

        Assert.Equal(TranslateResult.Translated, SpliceTranslator.TranslateIngress(packet, new SpliceRules(100, 0, 0, 0), false));
        byte[] translated = packet[(40 + extensions.Length)..];
        Assert.Equal(900u, BinaryPrimitives.ReadUInt32BigEndian(translated.AsSpan(8)));
        Assert.True(InternetChecksum.IsTcpValid(ClientV6, VipV6, translated));
    }

    public static TheoryData<string, byte[], TranslateResult> Rejected
    {
        get
        {
            byte[] good = Build(new SegmentSpec(false, false, TcpFlags.Ack, 1, 2, 3, true, 4, 5, [new RawSack(6, 7)], 0, 20, false));
            byte[] fragment = (byte[])good.Clone();
            fragment[6] = 0x20; // MF
            byte[] udp = (byte[])good.Clone();
            udp[9] = 17;
            byte[] badOption = (byte[])good.Clone();
            badOption[20 + 21] = 1; // the TS option's length byte
            byte[] twoTimestamps = Build(new SegmentSpec(false, false, TcpFlags.Ack, 1, 2, 3, true, 4, 5, [], 0, 0, false));
            twoTimestamps = Wrap(false, ClientV4, VipV4, [.. Segment(twoTimestamps)[..20], .. Segment(twoTimestamps)[20..32], 8, 10, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1]);
            twoTimestamps[20 + 12] = 0xB0;
            byte[] v6Fragment = Wrap(true, ClientV6, VipV6, [6, 0, 0, 0, 0, 0, 0, 1, .. Segment(good)], protocol: 44);
            byte[] v6Udp = Wrap(true, ClientV6, VipV6, Segment(good), protocol: 17);
            byte[] dataOffsetTooLarge = (byte[])good.Clone();
            dataOffsetTooLarge[20 + 12] = 0xF0;
            var data = new TheoryData<string, byte[], TranslateResult>
            {
                { "empty", [], TranslateResult.Malformed },
                { "IPv4 fragment", fragment, TranslateResult.Malformed },
                { "UDP", udp, TranslateResult.NotTcp },
                { "ARP-ish", [0x00, 0x01, 0x08, 0x00], TranslateResult.NotTcp },
                { "option length 1", badOption, TranslateResult.Malformed },
                { "two timestamps options", twoTimestamps, TranslateResult.Malformed },
                { "IPv6 fragment header", v6Fragment, TranslateResult.Malformed },
                { "IPv6 UDP", v6Udp, TranslateResult.NotTcp },
                { "data offset past the segment", dataOffsetTooLarge, TranslateResult.Malformed },
                { "IPv4 total length past the buffer", good[..^1], TranslateResult.Malformed },
                { "IPv4 header only", good[..20], TranslateResult.Malformed },
            };
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Rejected))]
    public void Translate_RejectedPackets_ReturnReasonAndWriteNothing(string what, byte[] packet, TranslateResult expected)
    {
        foreach (bool egress in new[] { true, false })
        {
            foreach (bool notReady in new[] { true, false })
            {
                byte[] copy = (byte[])packet.Clone();
                Assert.True(expected == Translate(copy, egress, new SpliceRules(1, 1, 0, 9), notReady), what);
                Assert.Equal(packet, copy);
            }
        }
    }

    [Fact]
    public void Translate_RandomBytesAndTruncations_NeverThrowAndWriteOnlyWhenTranslated()
    {
        Gen<byte[]> truncated = Gen.Select(Segments, Gen.Int[0, 100], Gen.Int[0, 255], Gen.Int[0, 2000])
            .Select((spec, cut, value, at) =>
            {
                byte[] packet = Build(spec);
                packet = packet[..Math.Max(0, packet.Length - cut)];
                if (packet.Length > 0)
                {
                    packet[at % packet.Length] = (byte)value; // one corrupted byte anywhere, headers included
                }

                return packet;
            });
        Gen.Select(Gen.OneOf(truncated, Gen.Byte.Array[0, 120]), Rules, Gen.Bool, Gen.Bool).Sample((packet, rules, egress, notReady) =>
        {
            byte[] copy = (byte[])packet.Clone();
            TranslateResult result = Translate(copy, egress, rules, notReady);
            if (result != TranslateResult.Translated)
            {
                Assert.Equal(packet, copy);
            }
        }, iter: 20_000);
    }

    [Fact]
    public void Translate_TenThousandPackets_AllocatesZeroBytes()
    {
        var rules = new SpliceRules(0x8000_0001u, 0x1234u, 9, 7);
        byte[][] packets =
        [
            Build(new SegmentSpec(false, true, TcpFlags.Ack | TcpFlags.Psh, 1, 2, 3, true, 4, 5, [], 2, 1448, false)),
            Build(new SegmentSpec(true, false, TcpFlags.Ack, 1, 2, 3, true, 4, 5, [new(1, 2), new(3, 4), new(5, 6)], 2, 0, true)),
            Build(new SegmentSpec(false, false, TcpFlags.Ack, 1, 2, 3, true, 4, 5, [new(1, 2), new(3, 4), new(5, 6)], 2, 0, false)),
            Build(new SegmentSpec(true, true, TcpFlags.Fin | TcpFlags.Ack, 1, 2, 3, true, 4, 5, [], 0, 0, true)),
        ];
        var table = new SpliceFlowTable(TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(60));
        Assert.True(SpliceFlowKey.TryRead(packets[0], egress: true, out SpliceFlowKey key));
        table.TryAdd(key, rules, 1, out _);
        Run(); // warm up: JIT and static initialization are not per-packet costs

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000 / 5; i++)
        {
            Run();
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.All(packets, p => Assert.True(ChecksumValid(p)));

        void Run()
        {
            SpliceTranslator.TranslateEgress(packets[0], rules, false);
            SpliceTranslator.TranslateIngress(packets[1], rules, true);
            SpliceTranslator.TranslateIngress(packets[2], rules, false);
            SpliceTranslator.TranslateEgress(packets[3], rules, true);
            table.TranslateEgress(packets[0], false, 2);
        }
    }
}
