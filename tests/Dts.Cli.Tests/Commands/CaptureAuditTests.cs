using System.Buffers.Binary;
using System.Net;
using System.Net.NetworkInformation;
using Dts.Capture;
using Dts.Cli.Commands;
using PacketDotNet;
using SharpPcap;
using SharpPcap.LibPcap;

namespace Dts.Cli.Tests.Commands;

/// <summary>
/// The audit on captures written here with SharpPcap/PacketDotNet: one handed-over flow as DTS makes it (origin answers
/// the handshake and acknowledges the request, the target sends the response and closes), then the same flow with one
/// thing broken. Frame 1 is a UDP datagram, so packet numbers are the file's (Wireshark's), not the flow's.
/// </summary>
public sealed class CaptureAuditTests : IDisposable
{
    private static readonly PhysicalAddress Router = PhysicalAddress.Parse("02-00-00-00-00-AA");
    private static readonly PhysicalAddress Origin = PhysicalAddress.Parse("02-00-00-00-00-01");
    private static readonly PhysicalAddress Target = PhysicalAddress.Parse("02-00-00-00-00-03");
    private static readonly PhysicalAddress VipMulticast = PhysicalAddress.Parse("01-00-5E-12-00-64");
    private static readonly IPAddress Client = IPAddress.Parse("198.19.0.2");
    private static readonly IPAddress Vip = IPAddress.Parse("198.18.0.100");
    private const string FlowName = "198.19.0.2:40000 ↔ 198.18.0.100:80";

    private readonly string _file = Path.Combine(Path.GetTempPath(), $"dts-audit-{Guid.NewGuid():N}.pcap");

    public void Dispose() => File.Delete(_file);

    /// <summary>A segment of the flow 198.19.0.2:40000 ↔ 198.18.0.100:80.</summary>
    private sealed record Seg(bool FromServer, PhysicalAddress Mac, string Flags, uint Seq, uint Ack, int Payload = 0, uint? TsVal = null)
    {
        public bool BreakTcpChecksum { get; init; }
        public bool BreakIpChecksum { get; init; }
    }

    /// <summary>The clean flow; packet numbers 2..11.</summary>
    private static List<Seg> CleanFlow() =>
    [
        new(false, Router, "S", 1000, 0, TsVal: 7),                    // 2 SYN
        new(true, Origin, "SA", 5000, 1001, TsVal: 100),               // 3 SYN-ACK from the origin
        new(false, Router, "A", 1001, 5001, TsVal: 8),                 // 4
        new(false, Router, "PA", 1001, 5001, Payload: 50, TsVal: 8),   // 5 the request
        new(true, Origin, "A", 5001, 1051, TsVal: 101),                // 6 the origin acknowledges it
        new(true, Target, "PA", 5001, 1051, Payload: 100, TsVal: 102), // 7 the target's response: the handover
        new(false, Router, "A", 1051, 5101, TsVal: 9),                 // 8
        new(true, Target, "FA", 5101, 1051, TsVal: 103),               // 9 the target closes
        new(false, Router, "FA", 1051, 5102, TsVal: 10),               // 10
        new(true, Target, "A", 5102, 1052, TsVal: 104),                // 11
    ];

    [Fact]
    public async Task HandedOverFlow_Clean_ReportsOwnersBytesAndExitsZero()
    {
        Write(CleanFlow());

        var report = CaptureAudit.Run(_file);

        Assert.True(report.Clean, string.Join("\n", report.Violations));
        Assert.Equal(11, report.Packets);
        var flow = Assert.Single(report.Flows);
        Assert.Equal(FlowName, flow.Name);
        Assert.Equal(2, flow.FirstPacket);
        Assert.Equal([Origin, Target], flow.Owners);
        Assert.Equal([3, 7], flow.OwnerFirstPackets);
        Assert.Equal([0L, 100L], flow.PayloadBytesByOwner);
        Assert.Equal(1, flow.SynAcks);
        Assert.Equal(10, flow.ChecksumsVerified);

        var output = new StringWriter();
        Assert.Equal(0, await CaptureCommand.AuditAsync(_file, null, output, CancellationToken.None));
        Assert.Contains($"{FlowName}  from packet 2, 10 packets, 1 SYN-ACK, server 02:00:00:00:00:01 → 02:00:00:00:00:03 at packet 7, payload 0 + 100 bytes", output.ToString());
        Assert.EndsWith("audit: clean", output.ToString().TrimEnd());
    }

    [Fact]
    public void NodeNames_NameTheOwners()
    {
        Write(CleanFlow());
        var names = new Dictionary<PhysicalAddress, string> { [Origin] = "n1", [Target] = "n3" };

        var report = CaptureAudit.Run(_file, new AuditOptions { NodeNames = names });

        Assert.Equal(["n1 (02:00:00:00:00:01)", "n3 (02:00:00:00:00:03)"], report.Flows.Single().Owners.Select(m => CaptureAudit.Describe(m, names)));
    }

    [Fact]
    public async Task SecondSynAckWithAnotherIsn_IsReportedAtItsPacket()
    {
        var flow = CleanFlow();
        flow.Insert(2, new Seg(true, Origin, "SA", 9000, 1001, TsVal: 100)); // packet 4
        await AssertSingleViolationAsync(flow, 4, ViolationKind.SecondSynAck);
    }

    [Fact]
    public async Task RetransmittedSynAck_IsNoViolation()
    {
        var flow = CleanFlow();
        flow.Insert(2, new Seg(true, Origin, "SA", 5000, 1001, TsVal: 100));
        Write(flow);
        var report = CaptureAudit.Run(_file);
        Assert.True(report.Clean, string.Join("\n", report.Violations));
        Assert.Equal(2, report.Flows.Single().SynAcks);
        Assert.Equal(0, await CaptureCommand.AuditAsync(_file, null, TextWriter.Null, CancellationToken.None));
    }

    [Fact]
    public async Task RstFromTheOriginAfterTheHandover_IsReportedAtItsPacket()
    {
        var flow = CleanFlow();
        flow.Insert(6, new Seg(true, Origin, "R", 5001, 0)); // packet 8, after the target's first segment (7)
        await AssertSingleViolationAsync(flow, 8, ViolationKind.ResetFromFormerOwner);
    }

    [Fact]
    public async Task FinFromTheOriginAfterTheHandover_IsReportedAtItsPacket()
    {
        var flow = CleanFlow();
        flow.Insert(6, new Seg(true, Origin, "FA", 5001, 1051, TsVal: 101)); // packet 8
        await AssertSingleViolationAsync(flow, 8, ViolationKind.FinFromFormerOwner);
    }

    [Fact]
    public async Task TsValBackBeyondThePawsWindow_IsReportedAtItsPacket()
    {
        var flow = CleanFlow();
        flow[7] = flow[7] with { TsVal = 90 }; // the target's FIN (packet 9) after TSval 102
        await AssertSingleViolationAsync(flow, 9, ViolationKind.TsValBackwards);
    }

    [Fact]
    public async Task TargetTsValBelowTheOrigins_IsReportedEvenWithinThePawsWindow()
    {
        var flow = CleanFlow();
        flow[5] = flow[5] with { TsVal = 100 }; // the target's first segment (packet 7) below the origin's 101
        await AssertSingleViolationAsync(flow, 7, ViolationKind.TsValBackwards);
    }

    [Fact]
    public async Task BadTcpChecksum_IsReportedAtItsPacket()
    {
        var flow = CleanFlow();
        flow[5] = flow[5] with { BreakTcpChecksum = true };
        await AssertSingleViolationAsync(flow, 7, ViolationKind.BadTcpChecksum);
    }

    [Fact]
    public async Task BadIpChecksum_IsReportedAtItsPacket()
    {
        var flow = CleanFlow();
        flow[3] = flow[3] with { BreakIpChecksum = true };
        await AssertSingleViolationAsync(flow, 5, ViolationKind.BadIpChecksum);
    }

    [Fact]
    public async Task SequenceGapAtTheHandover_IsReportedAtItsPacket()
    {
        var flow = CleanFlow();
        flow[5] = flow[5] with { Seq = 6001 }; // the target starts 1000 bytes beyond what the origin sent
        await AssertSingleViolationAsync(flow, 7, ViolationKind.SequenceGap);
    }

    [Fact]
    public void ReorderedSegments_HoleFilledLater_IsNoViolation()
    {
        var flow = CleanFlow();
        // The target's response in two segments, the second captured first (a veth's queues reorder).
        flow[5] = flow[5] with { Seq = 5051, Payload = 50 };
        flow.Insert(6, new Seg(true, Target, "PA", 5001, 1051, Payload: 50, TsVal: 102));
        Write(flow);

        var report = CaptureAudit.Run(_file);

        Assert.True(report.Clean, string.Join("\n", report.Violations));
        Assert.Equal([0L, 100L], report.Flows.Single().PayloadBytesByOwner);
    }

    [Fact]
    public async Task NoFile_ExitsOneWithAMessage()
    {
        Assert.Equal(1, await CliErrors.RunAsync(() => CaptureCommand.AuditAsync(_file, null, TextWriter.Null, CancellationToken.None)));
    }

    [Fact]
    public async Task NotACapture_ExitsOne()
    {
        await File.WriteAllTextAsync(_file, "not a capture");
        Assert.Equal(1, await CliErrors.RunAsync(() => CaptureCommand.AuditAsync(_file, null, TextWriter.Null, CancellationToken.None)));
    }

    [Fact]
    public void Parse_RecordWithoutOut_IsAnError()
    {
        var result = CliApplication.Create().Parse(["capture", "1234-beef", "--seconds", "3"]);
        Assert.Contains(result.Errors, e => e.Message.Contains("--out", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_AuditAlone_IsValid()
    {
        Assert.Empty(CliApplication.Create().Parse(["capture", "--audit", "x.pcap"]).Errors);
    }

    private async Task AssertSingleViolationAsync(List<Seg> flow, int packet, ViolationKind kind)
    {
        Write(flow);
        var report = CaptureAudit.Run(_file);
        var violation = Assert.Single(report.Violations);
        Assert.Equal((FlowName, packet, kind), (violation.Flow, violation.PacketNumber, violation.Kind));

        var output = new StringWriter();
        Assert.Equal(CaptureCommand.ViolationsExitCode, await CaptureCommand.AuditAsync(_file, null, output, CancellationToken.None));
        Assert.Contains($"VIOLATION flow {FlowName}, packet {packet}: {kind}: ", output.ToString());
        Assert.EndsWith("audit: 1 violations", output.ToString().TrimEnd());
    }

    /// <summary>Writes a UDP datagram, then <paramref name="segments"/>, as Ethernet frames into the pcap file.</summary>
    private void Write(IEnumerable<Seg> segments)
    {
        using var writer = new CaptureFileWriterDevice(_file, FileMode.Create);
        writer.Open(new DeviceConfiguration { LinkLayerType = LinkLayers.Ethernet });
        var udp = new UdpPacket(5353, 5353) { PayloadData = [1, 2, 3, 4] };
        var udpIp = new IPv4Packet(Client, IPAddress.Parse("224.0.0.251")) { PayloadPacket = udp };
        udpIp.UpdateCalculatedValues();
        udpIp.UpdateIPChecksum();
        writer.Write(new EthernetPacket(Router, VipMulticast, EthernetType.IPv4) { PayloadPacket = udpIp }.Bytes);
        foreach (var s in segments)
        {
            writer.Write(Frame(s));
        }
    }

    private static byte[] Frame(Seg s)
    {
        // A 32-byte header: room for NOP, NOP, timestamps (RFC 7323 §3).
        var header = new byte[32];
        header[12] = 8 << 4;
        var tcp = new TcpPacket(new PacketDotNet.Utils.ByteArraySegment(header))
        {
            SourcePort = s.FromServer ? (ushort)80 : (ushort)40000,
            DestinationPort = s.FromServer ? (ushort)40000 : (ushort)80,
            SequenceNumber = s.Seq,
            AcknowledgmentNumber = s.Ack,
            Synchronize = s.Flags.Contains('S', StringComparison.Ordinal),
            Acknowledgment = s.Flags.Contains('A', StringComparison.Ordinal),
            Finished = s.Flags.Contains('F', StringComparison.Ordinal),
            Reset = s.Flags.Contains('R', StringComparison.Ordinal),
            Push = s.Flags.Contains('P', StringComparison.Ordinal),
            WindowSize = 500,
        };
        var options = new byte[12];
        options[0] = options[1] = 1; // NOP NOP
        if (s.TsVal is uint ts)
        {
            options[2] = 8;
            options[3] = 10;
            BinaryPrimitives.WriteUInt32BigEndian(options.AsSpan(4), ts);
        }
        else
        {
            options.AsSpan(2).Fill(1);
        }
        tcp.Options = options;
        tcp.PayloadData = new byte[s.Payload];
        var ip = s.FromServer ? new IPv4Packet(Vip, Client) : new IPv4Packet(Client, Vip);
        ip.TimeToLive = 64;
        ip.PayloadPacket = tcp;
        var ethernet = new EthernetPacket(s.Mac, s.FromServer ? Router : VipMulticast, EthernetType.IPv4) { PayloadPacket = ip };
        ip.UpdateCalculatedValues();
        ip.UpdateIPChecksum();
        tcp.UpdateTcpChecksum();
        if (s.BreakTcpChecksum)
        {
            tcp.Checksum ^= 0x0F0F;
        }
        if (s.BreakIpChecksum)
        {
            ip.Checksum ^= 0x0F0F;
        }
        return ethernet.Bytes;
    }
}
