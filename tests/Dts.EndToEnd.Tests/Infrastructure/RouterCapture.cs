using System.Net;
using Dts.Capture;
using Dts.Core.Packets;
using SharpPcap;
using SharpPcap.LibPcap;

namespace Dts.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A recording (Dts.Capture's <see cref="WireRecording"/>, SharpPcap) on the router's switch leg: every frame between
/// the nodes and the client passes there, and a node's frames carry its own MAC, so the capture tells which node sent
/// what. <see cref="AuditAsync"/> runs the product's audit on it; <see cref="StopAsync"/> also gives the raw segments
/// for the drills' forensics.
/// </summary>
internal sealed class RouterCapture : IAsyncDisposable
{
    /// <summary>
    /// The testbed's MTU: an IP packet longer than this was never one frame on the wire but segments the receiver's
    /// GRO merged (a segment plus a short one can still carry no more payload than one MSS), whose header checksum is
    /// stale by design.
    /// </summary>
    public const int Mtu = 1500;

    private readonly WireRecording _recording;
    private readonly Testbed.Testbed _testbed;
    private bool _stopped;

    private RouterCapture(WireRecording recording, Testbed.Testbed testbed)
    {
        _recording = recording;
        _testbed = testbed;
    }

    /// <summary>Frames the kernel dropped from the capture buffer (known once stopped).</summary>
    public long Dropped => _recording.Dropped;

    /// <summary>The pcap file.</summary>
    public string File => _recording.OutputPath;

    public static Task<RouterCapture> StartAsync(Testbed.Testbed testbed, string interfaceName, string filter) =>
        StartAsync(testbed, testbed.RouterNamespace, interfaceName, filter);

    /// <summary>Starts recording; the interface is open (and frames are kept) when this returns.</summary>
    public static Task<RouterCapture> StartAsync(Testbed.Testbed testbed, string namespaceName, string interfaceName, string filter)
    {
        var file = Path.Combine(testbed.RunDirectory, $"capture-{Guid.NewGuid():N}.pcap");
        return Task.FromResult(new RouterCapture(WireRecording.Start(interfaceName, file, filter, namespaceName), testbed));
    }

    /// <summary>Stops recording and returns the captured TCP segments in order.</summary>
    public async Task<IReadOnlyList<Segment>> StopAsync()
    {
        await StopRecordingAsync();
        var segments = new List<Segment>();
        using var reader = new CaptureFileReaderDevice(File);
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

    /// <summary>Stops recording (if not yet) and audits the capture, the testbed's nodes named by MAC.</summary>
    public async Task<AuditReport> AuditAsync()
    {
        await StopRecordingAsync();
        return CaptureAudit.Run(File, new AuditOptions { NodeNames = await _testbed.NodeMacAddressesAsync(), Mtu = Mtu });
    }

    private async Task StopRecordingAsync()
    {
        if (_stopped)
        {
            return;
        }
        _stopped = true;
        await Task.Delay(500); // the last FIN/ACK exchange
        await _recording.StopAsync();
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
        await _recording.DisposeAsync();
        System.IO.File.Delete(File);
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
