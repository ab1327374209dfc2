using System.Net;
using System.Net.NetworkInformation;
using Dts.Core.Packets;
using Dts.Core.Tcp;
using PacketDotNet;
using SharpPcap;
using SharpPcap.LibPcap;

namespace Dts.Capture;

/// <summary>
/// Reads a capture file (pcap, read with SharpPcap, dissected with PacketDotNet) and checks, per TCP flow over IPv4,
/// what the paper claims of a handed-over connection: the client sees exactly one connection. One SYN-ACK (one ISN,
/// one node; a retransmitted SYN-ACK is the same one); no RST, FIN or any segment from a node after it gave the flow
/// away; TSvals that never step back beyond the PAWS window (RFC 7323 §5.3), and never below the previous owner's
/// across a handover; valid IPv4 header and TCP checksums (RFC 791, RFC 9293 §3.1); sequence continuity of the
/// server's stream as the client sees it (no segment starts beyond what was sent before it, RFC 9293 §3.4) and no
/// acknowledgment of bytes the client never sent. Nodes are told apart by source MAC: the node that sent the SYN-ACK
/// is the origin, each other MAC that sends the server's segments took the flow over.
/// </summary>
/// <remarks>
/// The server end of a flow is the end that sent the SYN-ACK; for a flow whose handshake precedes the capture, the
/// end with the lower port. A client SYN with a new ISN on a 4-tuple seen before starts a new flow (port reuse).
/// Checksums of packets longer than <see cref="AuditOptions.Mtu"/> (GRO merges) and TCP checksums left to offload
/// (the field holds the pseudo-header sum: a packet captured on its sender, or on a veth before anyone computed it)
/// are counted in <see cref="FlowReport.ChecksumsNotJudged"/>, not judged.
/// </remarks>
public static class CaptureAudit
{
    /// <summary>Audits the capture file at <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The file is not a capture libpcap can read.</exception>
    public static AuditReport Run(string path, AuditOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new AuditOptions();
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"no capture file '{path}'", path);
        }

        using var reader = new CaptureFileReaderDevice(path);
        try
        {
            reader.Open();
        }
        catch (PcapException ex)
        {
            throw new InvalidDataException($"'{path}' is not a capture file libpcap can read: {ex.Message}", ex);
        }

        var auditor = new Auditor(options);
        int number = 0;
        while (reader.GetNextPacket(out PacketCapture capture) == GetPacketStatus.PacketRead)
        {
            number++;
            auditor.Add(number, capture.GetPacket());
        }

        return new AuditReport(path, number, auditor.Finish());
    }

    /// <summary>A MAC as <c>aa:bb:cc:dd:ee:ff</c>, with the node's name in front when <paramref name="names"/> knows it.</summary>
    public static string Describe(PhysicalAddress mac, IReadOnlyDictionary<PhysicalAddress, string>? names = null)
    {
        ArgumentNullException.ThrowIfNull(mac);
        string text = string.Join(':', mac.GetAddressBytes().Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
        return names is not null && names.TryGetValue(mac, out string? name) ? $"{name} ({text})" : text;
    }

    private sealed class Auditor(AuditOptions options)
    {
        private readonly Dictionary<(IPEndPoint, IPEndPoint), Flow> _open = [];
        private readonly List<Flow> _all = [];

        public void Add(int number, RawCapture raw)
        {
            Packet packet;
            try
            {
                packet = Packet.ParsePacket(raw.LinkLayerType, raw.Data);
            }
            catch (Exception ex) when (ex is ArgumentException or IndexOutOfRangeException or InvalidOperationException or NotImplementedException)
            {
                return; // not a frame PacketDotNet dissects: not TCP this audit could judge
            }

            if (packet.Extract<IPv4Packet>() is not { } ip || packet.Extract<TcpPacket>() is not { } tcp)
            {
                return;
            }

            var source = new IPEndPoint(ip.SourceAddress, tcp.SourcePort);
            var destination = new IPEndPoint(ip.DestinationAddress, tcp.DestinationPort);
            var key = Key(source, destination);
            bool newClientSyn = tcp.Synchronize && !tcp.Acknowledgment;
            if (!_open.TryGetValue(key, out Flow? flow) || (newClientSyn && flow.ClientIsn is { } isn && isn != tcp.SequenceNumber))
            {
                flow = new Flow(Roles(source, destination, tcp), number, options);
                _open[key] = flow;
                _all.Add(flow);
            }

            var mac = packet.Extract<EthernetPacket>()?.SourceHardwareAddress ?? PhysicalAddress.None;
            bool complete = raw.PacketLength == raw.Data.Length;
            flow.Add(number, mac, ip, tcp, complete);
        }

        public IReadOnlyList<FlowReport> Finish()
        {
            foreach (Flow flow in _all)
            {
                flow.Finish();
            }

            return [.. _all.Select(f => f.Report)];
        }

        private static (IPEndPoint, IPEndPoint) Key(IPEndPoint a, IPEndPoint b) =>
            Compare(a, b) <= 0 ? (a, b) : (b, a);

        private static int Compare(IPEndPoint a, IPEndPoint b)
        {
            int c = string.CompareOrdinal(a.Address.ToString(), b.Address.ToString());
            return c != 0 ? c : a.Port.CompareTo(b.Port);
        }

        /// <summary>(client, server) from a flow's first packet.</summary>
        private static (IPEndPoint Client, IPEndPoint Server) Roles(IPEndPoint source, IPEndPoint destination, TcpPacket tcp) =>
            tcp.Synchronize ? tcp.Acknowledgment ? (destination, source) : (source, destination)
            : source.Port < destination.Port ? (destination, source) : (source, destination);
    }

    private sealed class Flow
    {
        private readonly AuditOptions _options;
        private readonly List<(int Number, int Owner, bool Rst, bool Fin)> _serverFinsAndResets = [];
        private readonly HashSet<int> _flagged = [];
        private readonly List<Hole> _holes = [];
        private SeqNum? _serverIsn;
        private PhysicalAddress? _synAckMac;
        private SeqNum? _serverSndMax;
        private SeqNum? _clientSndMax;
        private SeqNum? _maxTsVal;
        private SeqNum? _previousOwnersMaxTsVal;

        public Flow((IPEndPoint Client, IPEndPoint Server) roles, int firstPacket, AuditOptions options)
        {
            _options = options;
            Report = new FlowReport(roles.Client, roles.Server) { FirstPacket = firstPacket };
        }

        public FlowReport Report { get; }

        public uint? ClientIsn { get; private set; }

        public void Add(int number, PhysicalAddress mac, IPv4Packet ip, TcpPacket tcp, bool complete)
        {
            Report.Packets++;
            CheckChecksums(number, ip, tcp, complete);
            int payload = tcp.PayloadData?.Length ?? 0;
            var seq = new SeqNum(tcp.SequenceNumber);
            var end = seq + payload + (tcp.Synchronize ? 1 : 0) + (tcp.Finished ? 1 : 0);
            bool fromServer = ip.SourceAddress.Equals(Report.Server.Address) && tcp.SourcePort == Report.Server.Port;
            if (!fromServer)
            {
                if (tcp.Synchronize && !tcp.Acknowledgment)
                {
                    ClientIsn = tcp.SequenceNumber;
                }

                if (tcp.Reset)
                {
                    Report.ClientResets++;
                }
                else
                {
                    _clientSndMax = Max(_clientSndMax, end);
                }

                return;
            }

            int owner = TrackOwner(number, mac, tcp);
            Report._payloadBytes[owner] += payload;
            if (tcp.Finished || tcp.Reset)
            {
                Report.ServerFins += tcp.Finished ? 1 : 0;
                Report.ServerResets += tcp.Reset ? 1 : 0;
                _serverFinsAndResets.Add((number, owner, tcp.Reset, tcp.Finished));
            }

            if (tcp.Synchronize && tcp.Acknowledgment)
            {
                CheckSynAck(number, mac, seq);
            }
            else if (!tcp.Reset)
            {
                TrackHoles(number, mac, seq, end);
            }

            if (!tcp.Reset)
            {
                _serverSndMax = Max(_serverSndMax, end);
            }

            if (tcp.Acknowledgment && !tcp.Reset && _clientSndMax is { } clientMax && new SeqNum(tcp.AcknowledgmentNumber) > clientMax)
            {
                Flag(number, ViolationKind.AckBeyondSent,
                    $"{Who(mac)} acknowledges {tcp.AcknowledgmentNumber} but the client sent only up to {clientMax}");
            }

            CheckTsVal(number, mac, owner, tcp);
        }

        public void Finish()
        {
            foreach (var opened in _holes.GroupBy(h => h.Packet))
            {
                var hole = opened.First();
                Flag(hole.Packet, ViolationKind.SequenceGap,
                    $"{Who(hole.Sender)} sent seq {hole.Seq} but the server had sent only up to {hole.SndMax}; {opened.Sum(h => h.End - h.Start)} of the bytes between never appear in the capture");
            }

            int last = Report._owners.Count - 1;
            foreach (var (number, owner, rst, fin) in _serverFinsAndResets.Where(s => s.Owner < last && !_flagged.Contains(s.Number)))
            {
                string what = rst ? "RST" : "FIN";
                Flag(number, rst ? ViolationKind.ResetFromFormerOwner : ViolationKind.FinFromFormerOwner,
                    $"{what} from {Who(Report._owners[owner])}, which gave the flow away to {Who(Report._owners[owner + 1])} (packet {Report._ownerFirstPackets[owner + 1]})");
            }

            Report._violations.Sort((a, b) => a.PacketNumber.CompareTo(b.PacketNumber));
        }

        /// <summary>The index in <see cref="FlowReport.Owners"/> of the node that sent this segment; flags a former owner's segment.</summary>
        private int TrackOwner(int number, PhysicalAddress mac, TcpPacket tcp)
        {
            var owners = Report._owners;
            int index = owners.IndexOf(mac);
            if (index < 0)
            {
                if (owners.Count > 0)
                {
                    _previousOwnersMaxTsVal = _maxTsVal;
                }

                owners.Add(mac);
                Report._ownerFirstPackets.Add(number);
                Report._payloadBytes.Add(0);
                return owners.Count - 1;
            }

            if (index < owners.Count - 1)
            {
                var (kind, what) = tcp.Reset ? (ViolationKind.ResetFromFormerOwner, "RST")
                    : tcp.Finished ? (ViolationKind.FinFromFormerOwner, "FIN")
                    : (ViolationKind.SegmentFromFormerOwner, "a segment");
                Flag(number, kind, $"{what} from {Who(mac)}, which gave the flow away to {Who(owners[index + 1])} (packet {Report._ownerFirstPackets[index + 1]})");
            }

            return index;
        }

        /// <summary>
        /// Opens a hole when a segment starts beyond everything the server sent before it, and fills holes with the
        /// bytes of [<paramref name="seq"/>, <paramref name="end"/>). A hole a later segment fills was reordering (a
        /// veth's queues, a retransmission); one still open at the end is a gap the client never saw filled.
        /// </summary>
        private void TrackHoles(int number, PhysicalAddress mac, SeqNum seq, SeqNum end)
        {
            if (_serverSndMax is { } sndMax && seq > sndMax)
            {
                _holes.Add(new Hole(sndMax, seq, number, mac, sndMax, seq));
            }

            if (end - seq <= 0)
            {
                return;
            }

            for (int i = _holes.Count - 1; i >= 0; i--)
            {
                var hole = _holes[i];
                if (seq >= hole.End || end <= hole.Start)
                {
                    continue;
                }

                _holes.RemoveAt(i);
                if (seq > hole.Start)
                {
                    _holes.Add(hole with { End = seq });
                }

                if (end < hole.End)
                {
                    _holes.Add(hole with { Start = end });
                }
            }
        }

        private void CheckSynAck(int number, PhysicalAddress mac, SeqNum seq)
        {
            Report.SynAcks++;
            if (_serverIsn is not { } isn || _synAckMac is null)
            {
                _serverIsn = seq;
                _synAckMac = mac;
                return;
            }

            if (isn != seq || !_synAckMac.Equals(mac))
            {
                Flag(number, ViolationKind.SecondSynAck,
                    $"SYN-ACK from {Who(mac)} with ISN {seq}; the flow's SYN-ACK came from {Who(_synAckMac)} with ISN {isn}");
            }
        }

        private void CheckTsVal(int number, PhysicalAddress mac, int owner, TcpPacket tcp)
        {
            if (tcp.OptionsCollection?.OfType<PacketDotNet.Tcp.TimeStampOption>().FirstOrDefault() is not { } option)
            {
                return;
            }

            var value = new SeqNum(option.Value);
            if (_maxTsVal is { } max && value < max - _options.PawsWindow)
            {
                Flag(number, ViolationKind.TsValBackwards,
                    $"TSval {value} from {Who(mac)} after {max}: back by {max - value} ticks, beyond the PAWS window of {_options.PawsWindow}");
            }
            else if (owner > 0 && owner == Report._owners.Count - 1 && _previousOwnersMaxTsVal is { } previous && value < previous)
            {
                Flag(number, ViolationKind.TsValBackwards,
                    $"TSval {value} from {Who(mac)} below {previous}, which {Who(Report._owners[owner - 1])} sent before the handover");
            }

            _maxTsVal = Max(_maxTsVal, value);
        }

        private void CheckChecksums(int number, IPv4Packet ip, TcpPacket tcp, bool complete)
        {
            if (!ip.ValidIPChecksum)
            {
                Flag(number, ViolationKind.BadIpChecksum,
                    $"IPv4 header checksum 0x{ip.Checksum:x4} from {ip.SourceAddress}, expected 0x{ip.CalculateIPChecksum():x4}");
            }

            if (!complete || ip.TotalLength > _options.Mtu)
            {
                Report.ChecksumsNotJudged++;
                return;
            }

            if (tcp.ValidTcpChecksum)
            {
                Report.ChecksumsVerified++;
                return;
            }

            // CHECKSUM_PARTIAL: the sender left the sum to the NIC and the field holds the pseudo-header sum (Linux
            // __tcp_v4_send_check); it is computed, if ever, after the capture point.
            if (InternetChecksum.TryPseudoHeaderSum(ip.SourceAddress.GetAddressBytes(), ip.DestinationAddress.GetAddressBytes(),
                    TcpHeader.ProtocolNumber, (uint)ip.PayloadLength, out ushort pseudo) && tcp.Checksum == pseudo)
            {
                Report.ChecksumsNotJudged++;
                return;
            }

            Flag(number, ViolationKind.BadTcpChecksum,
                $"TCP checksum 0x{tcp.Checksum:x4} from {ip.SourceAddress}:{tcp.SourcePort}, expected 0x{tcp.CalculateTcpChecksum():x4}");
        }

        private void Flag(int number, ViolationKind kind, string message)
        {
            _flagged.Add(number);
            Report._violations.Add(new AuditViolation(Report.Name, number, kind, message));
        }

        private string Who(PhysicalAddress mac) => Describe(mac, _options.NodeNames);

        /// <summary>Bytes [Start, End) of the server's stream not seen yet, opened at packet Packet (seq Seq past SndMax).</summary>
        private readonly record struct Hole(SeqNum Start, SeqNum End, int Packet, PhysicalAddress Sender, SeqNum SndMax, SeqNum Seq);

        private static SeqNum Max(SeqNum? a, SeqNum b) => a is { } x && x > b ? x : b;
    }
}
