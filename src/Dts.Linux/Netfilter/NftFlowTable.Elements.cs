using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using Dts.Core.Tcp;

namespace Dts.Linux.Netfilter;

/// <summary>The per-handover set-element updates, as nf_tables netlink transactions (<see cref="NfTablesSocket"/>).</summary>
public sealed partial class NftFlowTable
{
    /// <summary>
    /// The set key <c>ipv4_addr . inet_service</c> as the kernel stores it: each field of a concatenation starts on a
    /// 4-byte register (NFT_REG32_SIZE), so the address (4 bytes, network order), the port (2 bytes, network order)
    /// and 2 zero bytes.
    /// </summary>
    internal const int KeyLength = 2 * Interop.NfNetlink.NFT_REG32_SIZE;

    /// <summary>
    /// How long the element an add-then-delete removal first adds lives, should the delete after it not run: it always
    /// does, in the same transaction (nft's text "timeout 1s").
    /// </summary>
    private const ulong PlaceholderTimeoutMilliseconds = 1000;

    private static readonly byte[] HandedOutSet = SetElementCommand.NulTerminated("handed_out");
    private static readonly byte[] ClosedSet = SetElementCommand.NulTerminated("closed");
    private static readonly byte[] SplicedSet = SetElementCommand.NulTerminated("spliced");

    private void AddElement(byte[] set, FlowKey flow)
    {
        Span<byte> key = stackalloc byte[KeyLength];
        WriteKey(flow, key);
        Apply(key, flow, [SetElementCommand.Add(set, _idleTimeoutMilliseconds)]);
    }

    /// <summary>
    /// Removes <paramref name="flow"/> from both sets in one transaction, whether it is there or not. A delete of a
    /// missing element would fail the batch through the kernel's abort path, which waits for an RCU grace period
    /// (~10–20 ms). Linux ≥ 6.3 has a delete that never fails for a missing element, NFT_MSG_DESTROYSETELEM (nft's
    /// "destroy element"); older kernels get an add (a no-op when the element exists) before each delete, so the batch
    /// never fails there either. Measured here (README-netlink.md): destroy ~6 µs, add-then-delete ~9 µs.
    /// </summary>
    private void RemoveElements(FlowKey flow, byte[] first, byte[] second)
    {
        Span<byte> key = stackalloc byte[KeyLength];
        WriteKey(flow, key);
        if (_destroySetElements)
        {
            Apply(key, flow, [SetElementCommand.Destroy(first), SetElementCommand.Destroy(second)]);
            return;
        }

        Apply(key, flow,
        [
            SetElementCommand.Add(first, PlaceholderTimeoutMilliseconds), SetElementCommand.Delete(first),
            SetElementCommand.Add(second, PlaceholderTimeoutMilliseconds), SetElementCommand.Delete(second),
        ]);
    }

    private void Apply(ReadOnlySpan<byte> key, FlowKey flow, ReadOnlySpan<SetElementCommand> commands)
    {
        int errno = _netlink.Apply(_tableName, key, commands);
        if (errno != 0)
        {
            throw new NftException(Describe(flow, commands), string.Create(CultureInfo.InvariantCulture,
                $"Error: {Marshal.GetPInvokeErrorMessage(errno)} ({NfTablesSocket.ErrnoName(errno)}, errno {errno}): the kernel refused the netlink transaction"));
        }
    }

    /// <summary>Writes the set key of <paramref name="flow"/>'s client (see <see cref="KeyLength"/>).</summary>
    /// <exception cref="ArgumentException">The flow is not IPv4 (nor IPv4-mapped IPv6).</exception>
    internal static void WriteKey(FlowKey flow, Span<byte> key)
    {
        ArgumentNullException.ThrowIfNull(flow);
        IPAddress address = flow.Client.Address;
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetwork || !address.TryWriteBytes(key[..4], out _))
        {
            throw new ArgumentException($"Flow {flow} is not IPv4.", nameof(flow));
        }

        BinaryPrimitives.WriteUInt16BigEndian(key[4..], (ushort)flow.Client.Port);
        key[6..KeyLength].Clear();
    }

    /// <summary>The transaction in nft's syntax, for the exception (built only on failure).</summary>
    private string Describe(FlowKey flow, ReadOnlySpan<SetElementCommand> commands)
    {
        string key = Key(flow);
        var b = new StringBuilder();
        foreach (SetElementCommand command in commands)
        {
            string set = Encoding.UTF8.GetString(command.Set.AsSpan(0, command.Set.Length - 1));
            if (command.Operation == SetElementOperation.Add)
            {
                b.Append(CultureInfo.InvariantCulture, $"add element inet {Options.TableName} {set} {{ {key} timeout {command.TimeoutMilliseconds}ms }}\n");
            }
            else
            {
                string verb = command.Operation == SetElementOperation.Delete ? "delete" : "destroy";
                b.Append(CultureInfo.InvariantCulture, $"{verb} element inet {Options.TableName} {set} {{ {key} }}\n");
            }
        }

        return b.ToString();
    }
}
