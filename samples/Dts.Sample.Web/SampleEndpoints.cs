using System.Globalization;
using System.Security.Cryptography;
using Dts.AspNetCore;
using Microsoft.Extensions.Options;

namespace Dts.Sample.Web;

/// <summary>The endpoints every node of the demo cluster serves, under each route prefix.</summary>
internal static class SampleEndpoints
{
    /// <summary>The largest <c>/bytes/{n}</c> response, 4 GiB.</summary>
    private const long MaxBytes = 4L << 30;

    public static void MapSampleEndpoints(this WebApplication app, string prefix)
    {
        var group = app.MapGroup(prefix);

        // Which node served this request, and how the connection got here.
        group.MapGet("/whoami", (HttpContext context, IOptions<DtsOptions> options) =>
        {
            var handover = context.Features.Get<IDtsHandoverFeature>();
            return Results.Json(new
            {
                node = options.Value.NodeId,
                arrivedByHandover = handover?.ArrivedByHandover ?? false,
                origin = handover?.OriginNodeId,
                client = $"{context.Connection.RemoteIpAddress}:{context.Connection.RemotePort}",
            });
        });

        // n bytes of deterministic content (DeterministicContent), streamed in 64 KiB writes.
        group.MapGet("/bytes/{n:long}", async (long n, HttpContext context) =>
        {
            if (n is < 0 or > MaxBytes)
            {
                return Results.BadRequest($"n must be in 0..{MaxBytes}");
            }
            context.Response.ContentType = "application/octet-stream";
            context.Response.ContentLength = n;
            var chunk = new byte[64 * 1024];
            for (long offset = 0; offset < n; offset += chunk.Length)
            {
                var length = (int)Math.Min(chunk.Length, n - offset);
                DeterministicContent.Fill(chunk.AsSpan(0, length), offset);
                await context.Response.Body.WriteAsync(chunk.AsMemory(0, length), context.RequestAborted);
            }
            return Results.Empty;
        });

        // The SHA-256 (lowercase hex) and length of the request body.
        group.MapPost("/echo", async (HttpContext context) =>
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[64 * 1024];
            long length = 0;
            int read;
            while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
            {
                sha.AppendData(buffer, 0, read);
                length += read;
            }
            return Results.Text(
                string.Create(CultureInfo.InvariantCulture, $"{Convert.ToHexStringLower(sha.GetHashAndReset())} {length}\n"));
        }).DisableAntiforgery();
    }
}
