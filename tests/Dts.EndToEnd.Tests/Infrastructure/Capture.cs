using System.Diagnostics;
using System.Net;
using Dts.Core.Packets;
using SharpPcap;
using SharpPcap.LibPcap;

namespace Dts.EndToEnd.Tests.Infrastructure;

/// <summary>
/// tcpdump on the router's switch leg: every frame between the nodes and the client passes there, and a
/// node's frames carry its own MAC, so the capture tells which node sent what. Read back with SharpPcap.
/// </summary>
internal sealed class Capture : IAsyncDisposable
{
    /// <summary>
    /// The testbed's MTU: an IP packet longer than this was never one frame on the wire but segments the receiver's
    /// GRO merged (a segment plus a short one can still carry no more payload than one MSS), whose header checksum is
    /// stale by design.
    /// </summary>
    public const int Mtu = 1500;

    private readonly Process _tcpdump;
    private readonly string _file;

    private Capture(Process tcpdump, string file)
    {
        _tcpdump = tcpdump;
        _file = file;
    }

    public static Task<Capture> StartAsync(Testbed.Testbed testbed, string interfaceName, string filter) =>
        StartAsync(testbed, testbed.RouterNamespace, interfaceName, filter);

    public static async Task<Capture> StartAsync(Testbed.Testbed testbed, string namespaceName, string interfaceName, string filter)
    {
        var file = Path.Combine(testbed.RunDirectory, $"capture-{Guid.NewGuid():N}.pcap");
        var start = new ProcessStartInfo("ip", ["netns", "exec", namespaceName, "tcpdump", "-i", interfaceName, "--immediate-mode", "-U", "-n", "-w", file, filter])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        var process = Process.Start(start)!;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (await process.StandardError.ReadLineAsync(cts.Token) is { } line)
        {
            if (line.Contains("listening on", StringComparison.Ordinal))
            {
                return new Capture(process, file);
            }
        }
        throw new InvalidOperationException("tcpdump did not start");
    }

    /// <summary>Stops tcpdump and returns the captured TCP segments in order.</summary>
    public async Task<IReadOnlyList<Segment>> StopAsync()
    {
        await Task.Delay(500); // the last FIN/ACK exchange
        // SIGINT: tcpdump writes out what it still holds and exits (ip netns exec became tcpdump: same pid).
        using (var interrupt = Process.Start("kill", ["-INT", _tcpdump.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await interrupt.WaitForExitAsync();
        }
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            await _tcpdump.WaitForExitAsync(cts.Token);
        }
        var segments = new List<Segment>();
        using var reader = new CaptureFileReaderDevice(_file);
        reader.Open();
        while (reader.GetNextPacket(out var capture) == GetPacketStatus.PacketRead)
        {
            var raw = capture.GetPacket();
            if (TryParse(raw.Data, out var segment))
            {
                segments.Add(segment with { Time = raw.Timeval.Date });
            }
        }
        return segments;
    }

    /// <summary>An Ethernet frame carrying IPv4/TCP, read with Dts.Core's header views.</summary>
    private static bool TryParse(byte[] frame, out Segment segment)
    {
        segment = null!;
        const int EthernetHeader = 14;
        if (frame.Length < EthernetHeader || frame[12] != 0x08 || frame[13] != 0x00
            || !Ipv4Header.TryRead(frame.AsSpan(EthernetHeader), out var ip) || ip.Protocol != TcpHeader.ProtocolNumber
            || !TcpHeader.TryRead(ip.Payload, out var tcp))
        {
            return false;
        }
        var flags = tcp.Flags;
        uint? tsVal = tcp.OptionsView.TryGetTimestamps(out var ts) ? ts.Value.Value : null;
        segment = new Segment(Convert.ToHexString(frame, 6, 6), new IPAddress(ip.SourceAddressBytes), tcp.SourcePort,
            new IPAddress(ip.DestinationAddressBytes), tcp.DestinationPort,
            flags.HasFlag(TcpFlags.Syn), flags.HasFlag(TcpFlags.Ack), flags.HasFlag(TcpFlags.Fin), flags.HasFlag(TcpFlags.Rst), tcp.Payload.Length)
        {
            TsVal = tsVal,
            Seq = tcp.SequenceNumber.Value,
            AckNumber = tcp.AcknowledgmentNumber.Value,
            ChecksumValid = tcp.IsChecksumValid(ip.SourceAddressBytes, ip.DestinationAddressBytes),
            IpLength = ip.TotalLength,
        };
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_tcpdump.HasExited)
        {
            _tcpdump.Kill(entireProcessTree: true);
            await _tcpdump.WaitForExitAsync();
        }
        _tcpdump.Dispose();
        File.Delete(_file);
    }

    internal sealed record Segment(string SourceMac, IPAddress Source, ushort SourcePort, IPAddress Destination, ushort DestinationPort,
        bool Syn, bool Ack, bool Fin, bool Rst, int PayloadLength)
    {
        /// <summary>SEG.SEQ (RFC 9293 §3.1).</summary>
        public uint Seq { get; init; }

        /// <summary>When the frame was captured (UTC).</summary>
        public DateTime Time { get; init; }

        /// <summary>SEG.ACK (RFC 9293 §3.1).</summary>
        public uint AckNumber { get; init; }

        /// <summary>The TSval of the timestamps option (RFC 7323 §3), when present.</summary>
        public uint? TsVal { get; init; }

        /// <summary>True when the TCP checksum verifies (RFC 9293 §3.1) as captured.</summary>
        public bool ChecksumValid { get; init; }

        /// <summary>The IP packet's total length (bytes).</summary>
        public int IpLength { get; init; }

        /// <summary>True when the packet fits one frame (<see cref="Mtu"/>): a segment as it was sent, not a GRO merge.</summary>
        public bool FitsOneFrame => IpLength <= Mtu;
    }
}
