using Gauntlet.Data;
using Gauntlet.Models;
using Gauntlet.Tensors;

namespace Gauntlet.Privacy.Extraction;

/// <summary>How well adversarial examples crafted on a stolen copy fool the victim.</summary>
/// <param name="Candidates">Held-out images both copy and victim classified correctly (the only ones an attack can turn).</param>
/// <param name="CopyFooled">Of those, adversarial examples the copy misclassifies (white-box success).</param>
/// <param name="VictimFooled">Of those, adversarial examples the victim misclassifies.</param>
public sealed record TransferResult(int Candidates, int CopyFooled, int VictimFooled)
{
    /// <summary>VictimFooled / Candidates: the share of the victim's correct answers the copy's examples overturn (0 without candidates).</summary>
    public double TransferRate => Candidates == 0 ? 0 : (double)VictimFooled / Candidates;

    /// <summary>CopyFooled / Candidates.</summary>
    public double CopySuccessRate => Candidates == 0 ? 0 : (double)CopyFooled / Candidates;
}

/// <summary>
/// Measures transfer (Papernot et al. 2017): adversarial examples made white-box on the copy,
/// sent to the victim. The attack itself is passed in: evasion attacks live in Gauntlet.Attacks,
/// a layer Privacy may not reference, so the CLI and the audit hand over one from its registry.
/// </summary>
public static class AdversarialTransfer
{
    /// <summary>Crafts on <paramref name="copy"/> and scores on <paramref name="victim"/>.</summary>
    /// <param name="copy">The stolen copy (white-box: it has gradients).</param>
    /// <param name="victim">The victim (only its labels are read).</param>
    /// <param name="data">Held-out labelled images.</param>
    /// <param name="craft">Maps the copy, a batch and its true labels to adversarial examples of the batch's shape.</param>
    /// <param name="batchSize">Batch size.</param>
    public static TransferResult Measure(IClassifier copy, IClassifier victim, LabeledImages data, Func<IClassifier, Tensor, int[], Tensor> craft, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(copy);
        ArgumentNullException.ThrowIfNull(victim);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(craft);
        var victimClean = KnockoffExtraction.Labels(victim, data, batchSize);
        var copyClean = KnockoffExtraction.Labels(copy, data, batchSize);
        var both = Enumerable.Range(0, data.Count).Where(i => victimClean[i] == data.Labels[i] && copyClean[i] == data.Labels[i]).ToArray();
        var candidates = data.Select(both);
        var copyFooled = 0;
        var victimFooled = 0;
        foreach (var (x, y) in candidates.Batches(batchSize))
        {
            var adversarial = craft(copy, x, y);
            var onCopy = Ops.ArgMax(copy.Predict(adversarial), 1);
            var onVictim = Ops.ArgMax(victim.Predict(adversarial), 1);
            for (var i = 0; i < y.Length; i++)
            {
                copyFooled += onCopy[i] != y[i] ? 1 : 0;
                victimFooled += onVictim[i] != y[i] ? 1 : 0;
            }
        }

        return new TransferResult(both.Length, copyFooled, victimFooled);
    }
}
