using Gauntlet.Models;

namespace Gauntlet.Llm.Classifiers.Tests;

public sealed class ClassifierHeadTests
{
    [Theory]
    [InlineData("prompt-injection")]
    [InlineData("jailbroken-response")]
    public void CommittedHeads_Load_AndRecordTheirHeldOutMetrics(string name)
    {
        var head = ClassifierHead.LoadEmbedded(name);
        Assert.Equal(name, head.Name);
        Assert.Equal(MiniLmEncoder.Dimension, head.Layers[0].In);
        Assert.Equal(2, head.Layers[^1].Out);
        Assert.True(head.Info.ContainsKey("held_out_head_only"), "the head records its held-out metrics");
        Assert.True(head.Info.ContainsKey("train_sources") && head.Info.ContainsKey("held_out_sources"));
    }

    [Fact]
    public void UnknownHead_IsRefused() =>
        Assert.Throws<ArgumentException>(() => ClassifierHead.LoadEmbedded("nope"));

    [Fact]
    public void Train_SeparatesTwoClusters_AndSurvivesASaveAndRead()
    {
        // Two unit-vector clusters around ±e0: a linear or ReLU head must separate them.
        var rng = new Random(3);
        var xs = new List<float[]>();
        var ys = new List<int>();
        for (var i = 0; i < 64; i++)
        {
            var label = i % 2;
            var v = Enumerable.Range(0, MiniLmEncoder.Dimension).Select(_ => (float)(rng.NextDouble() - 0.5) * 0.05f).ToArray();
            v[0] = label == 1 ? 1f : -1f;
            xs.Add(v);
            ys.Add(label);
        }

        var head = ClassifierHead.Train("toy", xs, ys, hidden: 8, new TrainingOptions(Epochs: 50, BatchSize: 16, LearningRate: 1e-2f, Seed: 1));
        Assert.True(head.Probability(xs[1]) > 0.8, $"{head.Probability(xs[1])}");
        Assert.True(head.Probability(xs[0]) < 0.2, $"{head.Probability(xs[0])}");

        var path = Path.Combine(Path.GetTempPath(), $"gauntlet-head-{Guid.NewGuid():N}.json");
        try
        {
            head.Save(path);
            using var s = File.OpenRead(path);
            var back = ClassifierHead.Read(s, path);
            Assert.Equal(head.Probability(xs[1]), back.Probability(xs[1]), 12);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void MalformedHead_IsInvalidData()
    {
        using var s = new MemoryStream("{\"name\":\"x\",\"layers\":[{\"in\":3,\"out\":2,\"weight\":[1,2],\"bias\":[0,0],\"activation\":\"relu\"}]}"u8.ToArray());
        Assert.Throws<InvalidDataException>(() => ClassifierHead.Read(s, "bad.json"));
    }
}
