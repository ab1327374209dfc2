using Dts.Sample.Web;

// The content root is the build output (appsettings.json, wwwroot), wherever the app is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddDts();
builder.AddSampleTracing();

var app = builder.Build();
app.UseDts();
app.UseStaticFiles();
app.MapSampleEndpoints("/");
app.MapSampleEndpoints("/api");
app.MapSampleEndpoints("/static");
app.MapSampleEndpoints("/proxied");
app.Run();
