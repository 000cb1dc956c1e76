using Gauntlet.Data;
using Gauntlet.Tensors;
using Xunit.Abstractions;

namespace Gauntlet.Models.Tests;

public class TrainerTests(ITestOutputHelper output)
{
    // The stated bar for the engine: a small CNN trained by Gauntlet for one epoch on 12,000
    // Fashion-MNIST training images reaches at least 80% on 2,000 held-out test images.
    private const double RequiredTestAccuracy = 0.80;

    [Fact]
    public void CnnSmall_TrainedOnFashionMnistSubset_ReachesStatedAccuracy()
    {
        Assert.True(FashionMnist.IsInstalled, "Debian's dataset-fashion-mnist is required: apt-get install dataset-fashion-mnist");
        var train = FashionMnist.Load(train: true).Take(20_000);
        var test = FashionMnist.Load(train: false).Take(2_000);
        var model = ModelZoo.Create("cnn-small", 1, 28, 28, 10, seed: 1);
        var log = Trainer.Fit(model, train, null, new TrainingOptions(Epochs: 1, BatchSize: 64, LearningRate: 2e-3f, Seed: 1));
        var accuracy = Trainer.Evaluate(model, test);
        output.WriteLine($"cnn-small, 1 epoch on 20,000 images: train loss {log[0].TrainLoss:F4}, test accuracy {accuracy:P2}, {log[0].Seconds:F1} s");
        Assert.True(accuracy >= RequiredTestAccuracy, $"test accuracy {accuracy:P2} is below the stated {RequiredTestAccuracy:P0}");
        Assert.True(log[0].TrainLoss < 0.8, $"train loss {log[0].TrainLoss:F3} did not fall below 0.8");
    }

    // A perturbation that records what the trainer hands it and adds a known shift, so the
    // trainer's share of the work (which samples, which mode, which random stream) is visible.
    // The attacks that train models for real are tested in Gauntlet.Attacks.Tests/Training.
    private sealed class Shift(float amount) : ITrainingPerturbation
    {
        public List<(int Samples, bool Training, double Draw)> Calls { get; } = [];

        public string Name => "shift";

        public Tensor Perturb(Gauntlet.Tensors.Nn.Module model, Tensor x, int[] labels, Rng rng)
        {
            Assert.Equal(x.Dim(0), labels.Length);
            Calls.Add((x.Dim(0), model.IsTraining, rng.NextDouble()));
            return Ops.Add(x, amount);
        }
    }

    [Fact]
    public void Perturb_ReplacesTheFirstFractionOfTheBatch_InEvaluationMode()
    {
        var data = FashionMnist.LoadEmbeddedDemo().Take(10);
        var model = ModelZoo.Create("mlp", 1, 28, 28, 10, seed: 2);
        model.Train();
        var shift = new Shift(0.25f);
        var perturbed = Trainer.Perturb(model, data.Images, data.Labels, new AdversarialTraining(shift, Fraction: 0.5f), new Rng(0)).ToArray();
        var clean = data.Images.ToArray();
        for (var j = 0; j < 5 * 784; j++)
        {
            Assert.Equal(clean[j] + 0.25f, perturbed[j]);
        }

        Assert.Equal(clean[(5 * 784)..], perturbed[(5 * 784)..]);
        Assert.Equal((5, false), (shift.Calls[0].Samples, shift.Calls[0].Training));
        Assert.True(model.IsTraining, "the model must go back to training mode");
    }

    [Fact]
    public void Fit_CallsThePerturbationBeforeEveryStep_WithOneRandomStreamSeededFromTheOptions()
    {
        var data = FashionMnist.LoadEmbeddedDemo().Take(64);
        var model = ModelZoo.Create("mlp", 1, 28, 28, 10, seed: 2);
        var shift = new Shift(0.1f);
        Trainer.Fit(model, data, null, new TrainingOptions(Epochs: 2, BatchSize: 16, Seed: 4, Adversarial: new AdversarialTraining(shift, Fraction: 0.25f)));
        var stream = new Rng(4 + 1);
        Assert.Equal(Enumerable.Range(0, 8).Select(_ => (4, false, stream.NextDouble())), shift.Calls);
    }

    [Fact]
    public void AdversarialTraining_RejectsAFractionOutsideZeroToOne()
    {
        var data = FashionMnist.LoadEmbeddedDemo().Take(8);
        var model = ModelZoo.Create("mlp", 1, 28, 28, 10, seed: 2);
        foreach (var fraction in new[] { 0f, 1.5f, float.NaN })
        {
            var ex = Assert.Throws<ArgumentException>(() => Trainer.Fit(model, data, null, new TrainingOptions(Epochs: 1, Adversarial: new AdversarialTraining(new Shift(0f), fraction))));
            Assert.Contains("adversarial training: fraction", ex.Message);
        }
    }

    [Fact]
    public void Training_IsReproducibleFromSeeds()
    {
        var data = FashionMnist.LoadEmbeddedDemo().Take(256);
        double Run()
        {
            var model = ModelZoo.Create("mlp", 1, 28, 28, 10, seed: 5);
            return Trainer.Fit(model, data, null, new TrainingOptions(Epochs: 2, BatchSize: 32, Seed: 9))[^1].TrainLoss;
        }

        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void ModelZoo_RejectsUnknownArchitecture_ListingChoices()
    {
        var ex = Assert.Throws<ArgumentException>(() => ModelZoo.Create("vgg", 1, 28, 28, 10, 0));
        Assert.Contains("cnn-small", ex.Message);
        Assert.Contains("'vgg'", ex.Message);
    }

    [Fact]
    public void Fit_RejectsUnknownOptimizer()
    {
        var data = FashionMnist.LoadEmbeddedDemo().Take(8);
        var model = ModelZoo.Create("mlp", 1, 28, 28, 10, seed: 5);
        var ex = Assert.Throws<ArgumentException>(() => Trainer.Fit(model, data, null, new TrainingOptions(Optimizer: "lbfgs")));
        Assert.Contains("lbfgs", ex.Message);
    }
}

public class ModelZooTests
{
    [Theory]
    [InlineData("cnn-small")]
    [InlineData("mlp")]
    [InlineData("resnet-mini")]
    public void Architectures_MapImagesToClassLogits_AndTrainOneStep(string arch)
    {
        var model = ModelZoo.Create(arch, 1, 28, 28, 10, seed: 3);
        var data = Gauntlet.Data.FashionMnist.LoadEmbeddedDemo().Take(16);
        var before = Trainer.Evaluate(model, data);
        var log = Trainer.Fit(model, data, null, new TrainingOptions(Epochs: 1, BatchSize: 16, Seed: 1));
        Assert.True(double.IsFinite(log[0].TrainLoss));
        Assert.InRange(before, 0.0, 1.0);
        using var scope = Gauntlet.Tensors.Autograd.GradMode.NoGrad();
        Assert.Equal(new Gauntlet.Tensors.Shape(16, 10), model.Forward(data.Images).Shape);
    }
}
