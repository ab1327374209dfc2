namespace Dts.Core.Tests.Packets;

/// <summary>
/// IPv4 packets recorded with an AF_PACKET socket on a veth whose TX checksum offload was turned off
/// (Linux 6.18, two network namespaces, 10.77.0.1:43514 → 10.77.0.2:8080), so every checksum was computed
/// by the kernel in full. Only the client's packets, link header stripped.
/// </summary>
internal static class CapturedPackets
{
    /// <summary>Client SYN: MSS 1460, SACK_PERM, TS (TSval 0xB2C2E4DF, TSecr 0), NOP, WS 10. TCP checksum 0x356C.</summary>
    public const string Syn =
        "4500003ceb3c400040063ae30a4d00010a4d0002a9fa1f9047d759ff00000000a002faf0356c0000" +
        "020405b40402080ab2c2e4df000000000103030a";

    /// <summary>Client handshake ACK: NOP NOP TS. TCP checksum 0x5EC1.</summary>
    public const string Ack =
        "45000034eb3d400040063aea0a4d00010a4d0002a9fa1f9047d75a00d4e830d58010003f5ec10000" +
        "0101080ab2c2e4df60bd99a0";

    /// <summary>Client data segment carrying "GET / HTTP/1.1\r\n\r\n" (18 bytes). TCP checksum 0x8006.</summary>
    public const string Data =
        "45000046eb3e400040063ad70a4d00010a4d0002a9fa1f9047d75a00d4e830d58018003f80060000" +
        "0101080ab2c2e4df60bd99a0474554202f20485454502f312e310d0a0d0a";

    /// <summary>
    /// A SYN recorded on <c>lo</c>, where the checksum is left to offload (CHECKSUM_PARTIAL): the field holds
    /// the folded, uncomplemented pseudo-header sum 0xFE30 (127.0.0.1 → 127.0.0.1, 40 TCP bytes).
    /// </summary>
    public const string LoopbackPartialSyn =
        "4500003ca6944000400696257f0000017f000001ae88c3c50b83196200000000a002ffd7fe300000" +
        "0204ffd70402080a7ac8bbc3000000000103030a";

    /// <summary>Decodes one of the hex constants into a fresh buffer.</summary>
    public static byte[] Bytes(string hex) => Convert.FromHexString(hex);
}
