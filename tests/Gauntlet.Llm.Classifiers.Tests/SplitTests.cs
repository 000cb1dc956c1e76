using System.Text.Json;
using Gauntlet.TestSupport;

namespace Gauntlet.Llm.Classifiers.Tests;

/// <summary>The committed heads' split, checked against ../shared/corpora where it exists.</summary>
public sealed class SplitTests
{
    private static string? Corpora =>
        new[] { Path.Combine(RepoPaths.Root, "..", "shared", "corpora"), Path.Combine(RepoPaths.Root, "..", "..", "shared", "corpora") }
            .Select(Path.GetFullPath).FirstOrDefault(d => File.Exists(Path.Combine(d, "MANIFEST.md")));

    [Theory]
    [InlineData("prompt-injection")]
    [InlineData("jailbroken-response")]
    public void TrainAndHeldOutSources_AreDisjoint(string name)
    {
        var head = ClassifierHead.LoadEmbedded(name);
        var train = head.Info["train_sources"].EnumerateObject().Select(p => p.Name).ToHashSet();
        var held = head.Info["held_out_sources"].EnumerateObject().Select(p => p.Name).ToHashSet();
        Assert.NotEmpty(train);
        Assert.NotEmpty(held);
        Assert.Empty(train.Intersect(held));
        // By source, not by line: a corpus (or JailbreakBench attack method) sits on one side only.
        static string Family(string s) => string.Join('/', s.Split('/').Take(2)).Split(' ')[0];
        var both = train.Select(Family).Intersect(held.Select(Family)).ToList();
        Assert.True(both.Count == 0, "sources on both sides: " + string.Join(", ", both));
    }

    [SkippableTheory]
    [InlineData("prompt-injection")]
    [InlineData("jailbroken-response")]
    public void EverySourceFolderOfTheHeads_ExistsInTheSharedCorpora(string name)
    {
        Skip.If(Corpora is null, "../shared/corpora (the third-party corpora the heads were trained on) is not beside this clone");
        var head = ClassifierHead.LoadEmbedded(name);
        foreach (var source in head.Info["train_sources"].EnumerateObject().Concat(head.Info["held_out_sources"].EnumerateObject()).Select(p => p.Name))
        {
            var top = source.Split('/')[0];
            Assert.True(Directory.Exists(Path.Combine(Corpora!, top)), $"{source}: no {top}/ in {Corpora}");
            if (top == "jailbreakbench")
            {
                var method = source.Split('/')[1];
                Assert.True(Directory.Exists(Path.Combine(Corpora!, "jailbreakbench", "attack-artifacts", method)), source);
            }
        }

        var manifest = File.ReadAllText(Path.Combine(Corpora!, "MANIFEST.md"));
        Assert.Contains("JailbreakBench/artifacts", manifest, StringComparison.Ordinal);
        Assert.True(JsonDocument.Parse(head.Info["held_out_head_only"].GetRawText()).RootElement.GetProperty("f1").GetDouble() > 0.5);
    }
}
