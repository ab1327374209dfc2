namespace Dts.Bench;

/// <summary>
/// How the client's request reaches the serving node (n3, the destination of <c>/api/**</c> and <c>/proxied/**</c>)
/// in one benchmark row. The origin is n1 in every mode except <see cref="Direct"/>, where n1 carries no traffic.
/// </summary>
public enum BenchMode
{
    /// <summary>The client's source port is owned (nft jhash) by n3 itself: no handover, no proxy — the baseline.</summary>
    Direct,

    /// <summary>Owned by n1, handed over to n3 with <c>TCP_REPAIR</c> (the Repair testbed).</summary>
    Repair,

    /// <summary>Owned by n1, handed over to n3 with a synthetic handshake and NFQUEUE translation (the Splice testbed).</summary>
    Splice,

    /// <summary>Owned by n1, which forwards <c>/proxied/**</c> to n3 with YARP's forwarder (pooled upstream connections).</summary>
    Yarp,

    /// <summary>Debian's nginx in n1's namespace on n1's unicast address, port 8080, proxying to n3's unicast address with upstream keep-alive.</summary>
    Nginx,
}
