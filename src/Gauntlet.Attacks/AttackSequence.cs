using Gauntlet.Attacks.Registry;
using Gauntlet.Models;
using Gauntlet.Tensors;

namespace Gauntlet.Attacks;

/// <summary>
/// Runs attacks in order, each only on the points every earlier attack failed on, keeping for
/// each sample the first successful adversarial example (the AutoAttack protocol, Croce &amp; Hein
/// 2020). <see cref="AutoAttack"/> builds the standard sequence.
/// </summary>
public sealed class AttackSequence : EvasionAttack
{
    /// <summary>The registry entry: <c>autoattack</c>, the white-box AutoAttack sequence (<see cref="AutoAttack"/>).</summary>
    public static AttackDescriptor AutoAttackDescriptor { get; } = new()
    {
        Name = "autoattack",
        Kind = AttackKind.WhiteBox,
        Norms = [Norm.Linf, Norm.L2],
        SupportsTargeted = true,
        Parameters = [AttackParameter.Epsilon(), AttackParameter.Steps(20, "iterations of each APGD stage")],
        CostRank = 27,
        Description = "APGD-CE, then APGD-T over the 9 top wrong classes, each only on the points still robust.",
        Citation = "Croce & Hein 2020",
        Factory = s => AutoAttack(s.Epsilon, s.Norm, s.Steps),
    };

    /// <summary>Creates the sequence; all attacks must use the same norm.</summary>
    /// <exception cref="ArgumentException">No attacks, or mixed norms.</exception>
    public AttackSequence(string name, params EvasionAttack[] attacks)
    {
        if (attacks.Length == 0 || attacks.Any(a => a.Norm != attacks[0].Norm))
        {
            throw new ArgumentException($"{name}: needs at least one attack, all with the same norm (got {string.Join(", ", attacks.Select(a => $"{a.Name}/{a.Norm}"))}).", nameof(attacks));
        }

        Name = name;
        Attacks = attacks;
    }

    /// <summary>The attacks, in the order they run.</summary>
    public IReadOnlyList<EvasionAttack> Attacks { get; }

    /// <summary>Per attack, how many samples it was the first to break in the last run.</summary>
    public IReadOnlyDictionary<string, int> BrokenBy { get; private set; } = new Dictionary<string, int>();

    /// <inheritdoc />
    public override string Name { get; }

    /// <inheritdoc />
    public override Norm Norm => Attacks[0].Norm;

    /// <inheritdoc />
    public override bool SupportsTargeted => Attacks.All(a => a.SupportsTargeted);

    /// <summary>
    /// The standard AutoAttack sequence for a budget: APGD-CE, then APGD-T (targeted DLR over the
    /// top wrong classes), then any extra attacks given (e.g. Square for a black-box check).
    /// </summary>
    public static AttackSequence AutoAttack(float epsilon, Norm norm = Norm.Linf, int steps = 100, params EvasionAttack[] extra) =>
        new("autoattack", [new Evasion.Apgd(epsilon, norm, steps, Evasion.ApgdLoss.CrossEntropy), new Evasion.Apgd(epsilon, norm, steps, Evasion.ApgdLoss.DlrTargeted), .. extra]);

    /// <inheritdoc />
    protected override Tensor Generate(IClassifier classifier, Tensor x, AttackGoal goal, Rng rng) => Generate(classifier, x, goal, rng, new long[x.Dim(0)]);

    /// <inheritdoc />
    protected override Tensor Generate(IClassifier classifier, Tensor x, AttackGoal goal, Rng rng, long[] sampleQueries)
    {
        var n = x.Dim(0);
        var per = x.Size / n;
        var result = x.Clone();
        var robust = new bool[n];
        var clean = Ops.ArgMax(classifier.Predict(x), 1);
        for (var i = 0; i < n; i++)
        {
            robust[i] = !goal.IsMet(i, clean[i]);
            sampleQueries[i]++;
        }

        var brokenBy = new Dictionary<string, int>();
        foreach (var attack in Attacks)
        {
            var remaining = Enumerable.Range(0, n).Where(i => robust[i]).ToArray();
            if (remaining.Length == 0)
            {
                break;
            }

            var labels = remaining.Select(i => goal.Labels[i]).ToArray();
            var subGoal = goal.Targets is { } t ? AttackGoal.Targeted(labels, [.. remaining.Select(i => t[i])]) : AttackGoal.Untargeted(labels);
            var outcome = attack.Run(classifier, Ops.IndexSelect(x, 0, remaining), subGoal, rng.NextInt(int.MaxValue));
            var broken = 0;
            for (var k = 0; k < remaining.Length; k++)
            {
                sampleQueries[remaining[k]] += outcome.SampleQueries[k];
                if (outcome.Success[k])
                {
                    outcome.Adversarial.ReadOnlySpan.Slice(k * per, per).CopyTo(result.Span.Slice(remaining[k] * per, per));
                    robust[remaining[k]] = false;
                    broken++;
                }
            }

            brokenBy[attack.Name] = broken;
        }

        BrokenBy = brokenBy;
        return result;
    }
}
