using Dts.AspNetCore.Control;
using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Dts.AspNetCore.Tests.Control;

public sealed class ControlChannelTests
{
    // A handover of an upload streamed without "Expect: 100-continue" carries up to 2 MiB recorded plus the
    // kernel's receive queue (6 MiB with default sysctls). With gRPC's default 4 MB on the server side, the
    // target refused it ("ResourceExhausted") and the connection was proxied instead of handed over.
    [Fact]
    public void AddDts_ControlServer_TakesMessagesAsLargeAsTheClientSends()
    {
        var builder = WebApplication.CreateBuilder();
        builder.AddDts();
        using var services = builder.Services.BuildServiceProvider();

        var grpc = services.GetRequiredService<IOptions<GrpcServiceOptions>>().Value;

        Assert.Equal(ControlChannel.MaxMessageSize, grpc.MaxReceiveMessageSize);
        Assert.True(ControlChannel.MaxMessageSize >= (2 << 20) + (6 << 20));
    }
}
