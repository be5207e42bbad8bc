using Declarative.Auth.Conformance.App;

// The app as a user would run it; the suite builds the same app on a TestServer through ConformanceHost.
var builder = WebApplication.CreateBuilder(args);
ConformanceHost.AddServices(builder.Services);
var app = builder.Build();
ConformanceHost.UsePipeline(app);
ConformanceHost.MapEndpoints(app);
app.Run();
