namespace Dts.Linux.Netfilter;

/// <summary>The hooks where marked packets are sent to the queue.</summary>
[Flags]
public enum NfQueueSteeringHooks
{
    /// <summary>No hook.</summary>
    None = 0,

    /// <summary>Prerouting (mangle): packets arriving from interfaces, including <c>lo</c> (client → node).</summary>
    Prerouting = 1,

    /// <summary>Output (mangle): packets sent by local sockets (node → client).</summary>
    Output = 2,

    /// <summary>Postrouting (mangle): every packet leaving, forwarded ones included.</summary>
    Postrouting = 4,
}
