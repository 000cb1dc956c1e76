using System.Reflection;
using System.Text.RegularExpressions;
using Gauntlet.Data;
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
            // The files the example names: what the repository ships under examples/, and
            // mlp.onnx, which the README's `gauntlet train` writes; the embedded demo model
            // stands in for it (this project does not run the CLI).
            var examples = Path.Combine(RepoPaths.Root, "examples");
            Directory.CreateDirectory(Path.Combine(work.FullName, "examples"));
            foreach (var file in Directory.GetFiles(examples))
            {
                File.Copy(file, Path.Combine(work.FullName, "examples", Path.GetFileName(file)));
            }

            File.WriteAllBytes(Path.Combine(work.FullName, "mlp.onnx"), DemoModel.OnnxBytes());
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

    [GeneratedRegex("```csharp\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();
}

/// <summary>Tests that change the process's current directory run alone.</summary>
[CollectionDefinition(nameof(CurrentDirectoryCollection), DisableParallelization = true)]
public sealed class CurrentDirectoryCollection;
