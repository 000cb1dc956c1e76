using System.IO.Compression;
using System.Reflection;
using System.Text.RegularExpressions;
using Gauntlet.Data;
using Gauntlet.Data.Tests;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Gauntlet.Audit.Tests;

/// <summary>Compiles and runs every C# block in the README, so the README cannot drift from the API.</summary>
[Collection(nameof(CurrentDirectoryCollection))]
public partial class ReadmeExamplesTests
{
    [Fact]
    public void ReadmeCSharpBlocksCompileAndRun()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var blocks = CSharpBlock().Matches(readme).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(blocks);
        var work = Directory.CreateTempSubdirectory("gauntlet-readme-");
        var previous = Environment.CurrentDirectory;
        try
        {
            // The files the example names: the demo model, and 12 demo images as an .npz.
            File.WriteAllBytes(Path.Combine(work.FullName, "model.onnx"), DemoModel.OnnxBytes());
            WriteDemoNpz(Path.Combine(work.FullName, "test.npz"), 12);
            Environment.CurrentDirectory = work.FullName;
            for (var b = 0; b < blocks.Count; b++)
            {
                var entry = Compile(blocks[b], $"ReadmeBlock{b}");
                var output = new StringWriter();
                var stdout = Console.Out;
                Console.SetOut(output);
                try
                {
                    entry.Invoke(null, entry.GetParameters().Length == 0 ? null : [Array.Empty<string>()]);
                }
                finally
                {
                    Console.SetOut(stdout);
                }

                Assert.Contains("Robustness Score: ", output.ToString(), StringComparison.Ordinal);
                Assert.Contains("pgd-linf: robust accuracy", output.ToString(), StringComparison.Ordinal);
            }

            foreach (var file in new[] { "security_audit_report.json", "report.html", "summary.md", "report.sarif", "junit.xml" })
            {
                Assert.True(File.Exists(Path.Combine(work.FullName, "out", file)), $"the README example did not write out/{file}");
            }
        }
        finally
        {
            Environment.CurrentDirectory = previous;
            work.Delete(recursive: true);
        }
    }

    private static MethodInfo Compile(string code, string name)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var tree = CSharpSyntaxTree.ParseText(code, parse);

        // What `dotnet new console` projects import implicitly.
        var implicitUsings = CSharpSyntaxTree.ParseText(
            "global using System; global using System.Collections.Generic; global using System.IO; global using System.Linq; global using System.Net.Http; global using System.Threading; global using System.Threading.Tasks;", parse);
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => p.EndsWith(".dll", StringComparison.Ordinal))
            .Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create(name, [tree, implicitUsings], references, new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        var errors = emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToList();
        Assert.True(emitted.Success, "README block does not compile:\n" + string.Join("\n", errors) + "\n---\n" + code);
        return Assembly.Load(image.ToArray()).EntryPoint!;
    }

    private static void WriteDemoNpz(string path, int count)
    {
        var demo = FashionMnist.LoadEmbeddedDemo().Take(count);
        var pixels = demo.Images.ToArray().Select(v => (byte)Math.Round(v * 255)).ToArray();
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (member, bytes) in new[]
        {
            ("x.npy", TestFiles.Npy("|u1", [count, 28, 28], pixels)),
            ("y.npy", TestFiles.Npy("<i8", [count], TestFiles.Int64Le([.. demo.Labels.Select(l => (long)l)]))),
        })
        {
            using var stream = zip.CreateEntry(member).Open();
            stream.Write(bytes);
        }
    }

    [GeneratedRegex("```csharp\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();
}

/// <summary>Tests that change the process's current directory run alone.</summary>
[CollectionDefinition(nameof(CurrentDirectoryCollection), DisableParallelization = true)]
public sealed class CurrentDirectoryCollection;
