using System.Net;
using Gauntlet.Llm.Guard.Hosting;
using Gauntlet.Llm.Guard.Practice;
using Gauntlet.Llm.Guard.Proxy;

namespace Gauntlet.Llm.Guard.Tests;

/// <summary>The practice target and a guard in front of it, on ephemeral loopback ports, shared by a test class.</summary>
public sealed class GuardFixture : IAsyncLifetime
{
    public RunningHost Target { get; private set; } = null!;

    public GuardServer Guard { get; private set; } = null!;

    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Gauntlet.slnx")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
        }
    }

    public static string PolicyPath => Path.Combine(RepoRoot, "examples", "llm", "guard-policy.yaml");

    public async Task InitializeAsync()
    {
        Target = await PracticeTargetServer.StartAsync(new IPEndPoint(IPAddress.Loopback, 0));
        Guard = await GuardServer.StartAsync(new IPEndPoint(IPAddress.Loopback, 0), Target.ApiBase, GuardPolicy.Load(PolicyPath), new DecisionLog(null));
    }

    public async Task DisposeAsync()
    {
        await Guard.DisposeAsync();
        await Target.DisposeAsync();
    }
}
