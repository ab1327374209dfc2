using Dts.Sample.Web;

var builder = WebApplication.CreateBuilder(args);
builder.AddDts();

var app = builder.Build();
app.UseDts();
app.UseStaticFiles();
app.MapSampleEndpoints("/");
app.MapSampleEndpoints("/api");
app.MapSampleEndpoints("/static");
app.MapSampleEndpoints("/proxied");
app.Run();
