using System.Text.Json;
using Gauntlet.Data;
using Gauntlet.Models;
using Gauntlet.Onnx;
using Gauntlet.Privacy.Membership;
using Gauntlet.Tensors;
using Gauntlet.Tensors.Nn;

namespace Gauntlet.Privacy.Tests.Membership;

/// <summary>
/// The loss-threshold attack on Gauntlet's overfit Fashion-MNIST MLP (60 epochs on the first 1,000
/// training images) against the first 1,000 test images, checked against PyTorch computing the
/// same statistic and AUC on the same ONNX file (tools/fixtures/make_membership_reference.py).
/// </summary>
public sealed class TorchMembershipReferenceTests
{
    private const double AucTolerance = 0.005;
    private const string FashionMnistFolder = "/usr/share/datasets/fashion-mnist";

    [SkippableFact]
    public void LossThresholdAuc_MatchesPyTorchWithin0005()
    {
        Skip.IfNot(File.Exists(Path.Combine(FashionMnistFolder, "train-images-idx3-ubyte.gz")), "Fashion-MNIST training images (Debian's dataset-fashion-mnist) are not installed.");
        var fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures");
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(fixtures, "torch_membership_reference.json")));
        var reference = doc.RootElement;
        var network = new Sequential(OnnxClassifier.Load(Path.Combine(fixtures, "fmnist_mlp_overfit.onnx")));
        var target = new ModuleClassifier(network, new Shape(1, 28, 28), 10);
        var data = new MembershipData(FashionMnist.Load(train: true, FashionMnistFolder).Take(1000), FashionMnist.LoadEmbeddedDemo());

        var result = ThresholdAttacks.Loss(target, data);

        Assert.Equal(reference.GetProperty("loss_threshold_auc").GetDouble(), result.Auc, AucTolerance);
        var firstLosses = reference.GetProperty("first_member_losses").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        for (var i = 0; i < firstLosses.Length; i++)
        {
            Assert.Equal(firstLosses[i], -result.MemberScores[i], 1e-4);
        }

        Assert.Equal(reference.GetProperty("mean_nonmember_loss").GetDouble(), -result.NonMemberScores.Average(), 1e-3);
    }
}
