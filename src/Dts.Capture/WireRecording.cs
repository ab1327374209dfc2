using Dts.Linux.Namespaces;
using SharpPcap;
using SharpPcap.LibPcap;

namespace Dts.Capture;

/// <summary>
/// Records an interface's frames into a pcap file (libpcap through SharpPcap; Wireshark and tcpdump read it) on a
/// dedicated thread until <see cref="StopAsync"/>. The device is opened inside the network namespace given, if any:
/// on <see cref="NetworkNamespace"/>'s thread (setns(2) is per thread); the capture socket keeps that namespace, so
/// reading it from the recording thread sees the namespace's interface.
/// </summary>
public sealed class WireRecording : IAsyncDisposable
{
    /// <summary>How long one read waits for a frame (ms); a read that times out after a stop request ends the recording.</summary>
    private const int ReadTimeoutMilliseconds = 100;

    /// <summary>
    /// The kernel's capture buffer (bytes): a 1 MiB download on a veth arrives as ~64 KiB GRO packets in a burst that
    /// libpcap's default 2 MiB ring drops from.
    /// </summary>
    private const int KernelBufferBytes = 64 << 20;

    /// <summary>libpcap's MAXIMUM_SNAPLEN (bytes): every frame whole, GSO and GRO frames of up to 64 KiB included.</summary>
    private const int MaximumSnaplen = 262144;

    private readonly LibPcapLiveDevice _device;
    private readonly CaptureFileWriterDevice _writer;
    private readonly Thread _thread;
    private readonly TaskCompletionSource<int> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _stopRequested;
    private int _packets;

    private WireRecording(LibPcapLiveDevice device, CaptureFileWriterDevice writer, string outputPath)
    {
        _device = device;
        _writer = writer;
        OutputPath = outputPath;
        _thread = new Thread(Loop) { IsBackground = true, Name = $"capture {device.Name}" };
    }

    /// <summary>The pcap file being written.</summary>
    public string OutputPath { get; }

    /// <summary>Frames written so far.</summary>
    public int Packets => Volatile.Read(ref _packets);

    /// <summary>
    /// Frames the kernel dropped because the capture buffer was full (pcap_stats ps_drop, plus ps_ifdrop), as of the
    /// end of the recording: a capture with drops misses segments the client saw, and its audit reports sequence gaps.
    /// </summary>
    public long Dropped { get; private set; }

    /// <summary>
    /// Opens <paramref name="interfaceName"/> (in <paramref name="networkNamespace"/>, a name under /run/netns or a
    /// path, when given), applies the BPF <paramref name="filter"/> (tcpdump's syntax) and starts writing
    /// <paramref name="outputPath"/> (created or truncated). Frames are captured whole (snaplen 262144 bytes, libpcap's maximum: a GSO frame of a 65535-byte IPv4 packet plus its Ethernet header exceeds 65535, and a truncated frame read as a sequence gap), in
    /// immediate mode, not promiscuous.
    /// </summary>
    /// <exception cref="ArgumentException">No interface of that name (in that namespace), or the filter does not compile.</exception>
    /// <exception cref="Dts.Linux.LinuxSocketException">The namespace does not exist or could not be entered.</exception>
    /// <exception cref="InvalidOperationException">libpcap could not open the interface (e.g. no CAP_NET_RAW) or the file.</exception>
    public static WireRecording Start(string interfaceName, string outputPath, string? filter = null, string? networkNamespace = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(interfaceName);
        ArgumentException.ThrowIfNullOrEmpty(outputPath);
        LibPcapLiveDevice device;
        if (networkNamespace is null)
        {
            device = Open(interfaceName, networkNamespace);
        }
        else
        {
            using var ns = NetworkNamespace.Open(networkNamespace);
            device = ns.Run(() => Open(interfaceName, networkNamespace));
        }

        CaptureFileWriterDevice? writer = null;
        try
        {
            if (!string.IsNullOrEmpty(filter))
            {
                try
                {
                    device.Filter = filter;
                }
                catch (PcapException ex)
                {
                    throw new ArgumentException($"capture filter '{filter}': {ex.Message}", ex);
                }
            }

            writer = new CaptureFileWriterDevice(outputPath, FileMode.Create);
            writer.Open(new DeviceConfiguration { LinkLayerType = device.LinkType, Snaplen = MaximumSnaplen });
            var recording = new WireRecording(device, writer, outputPath);
            recording._thread.Start();
            return recording;
        }
        catch (PcapException ex)
        {
            writer?.Dispose();
            device.Dispose();
            throw new InvalidOperationException($"cannot write '{outputPath}': {ex.Message}", ex);
        }
        catch
        {
            writer?.Dispose();
            device.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Stops the recording once the frames the kernel already holds are written (the first read after the request
    /// that finds none), closes the file and returns the number of frames written.
    /// </summary>
    /// <exception cref="InvalidOperationException">Reading the interface failed (the interface went away).</exception>
    public Task<int> StopAsync()
    {
        _stopRequested = true;
        return _done.Task;
    }

    /// <summary>Stops (see <see cref="StopAsync"/>), ignoring a read error.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync().ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // reported by StopAsync to whoever awaited it
        }
    }

    private static LibPcapLiveDevice Open(string interfaceName, string? networkNamespace)
    {
        var pcapInterface = PcapInterface.GetAllPcapInterfaces().FirstOrDefault(i => i.Name == interfaceName)
            ?? throw new ArgumentException(
                $"no interface '{interfaceName}'" + (networkNamespace is null ? string.Empty : $" in network namespace '{networkNamespace}'"));
        var device = new LibPcapLiveDevice(pcapInterface);
        try
        {
            device.Open(new DeviceConfiguration
            {
                Mode = DeviceModes.None,
                ReadTimeout = ReadTimeoutMilliseconds,
                Immediate = true,
                Snaplen = MaximumSnaplen,
                BufferSize = KernelBufferBytes,
            });
        }
        catch (PcapException ex)
        {
            device.Dispose();
            throw new InvalidOperationException($"cannot capture on '{interfaceName}': {ex.Message}", ex);
        }

        return device;
    }

    private void Loop()
    {
        try
        {
            while (true)
            {
                GetPacketStatus status = _device.GetNextPacket(out PacketCapture capture);
                if (status == GetPacketStatus.PacketRead)
                {
                    _writer.Write(capture.GetPacket());
                    Interlocked.Increment(ref _packets);
                }
                else if (status is GetPacketStatus.ReadTimeout or GetPacketStatus.NoRemainingPackets)
                {
                    if (_stopRequested)
                    {
                        break;
                    }
                }
                else
                {
                    throw new InvalidOperationException($"reading '{_device.Name}' failed: {_device.LastError}");
                }
            }

            Close();
            _done.SetResult(Packets);
        }
        catch (Exception ex) when (ex is InvalidOperationException or PcapException or IOException)
        {
            Close();
            _done.SetException(ex is InvalidOperationException ? ex : new InvalidOperationException($"recording '{_device.Name}': {ex.Message}", ex));
        }
    }

    private void Close()
    {
        try
        {
            var statistics = _device.Statistics;
            Dropped = statistics.DroppedPackets + statistics.InterfaceDroppedPackets;
        }
        catch (PcapException)
        {
            // no statistics: leave 0
        }

        _writer.Close();
        _writer.Dispose();
        _device.Close();
        _device.Dispose();
    }
}
