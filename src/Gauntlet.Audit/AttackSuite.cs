using System.Diagnostics;
using Gauntlet.Attacks;
using Gauntlet.Data;
using Gauntlet.Models;
using Gauntlet.Onnx;

namespace Gauntlet.Audit;

/// <summary>One attack's result over a data set, run on its own (not as part of an ensemble).</summary>
/// <param name="Attack">Attack name.</param>
/// <param name="Category">Attacker category.</param>
/// <param name="Epsilon">Budget.</param>
/// <param name="CleanAccuracy">Accuracy without attack.</param>
/// <param name="RobustAccuracy">Accuracy on the attack's outputs.</param>
/// <param name="SuccessRate">Fraction of initially correct samples the attack broke.</param>
/// <param name="QueriesPerSample">Model queries per sample.</param>
/// <param name="Seconds">Wall time.</param>
public sealed record AttackSummary(string Attack, AttackerCategory Category, float Epsilon, double CleanAccuracy, double RobustAccuracy, double SuccessRate, double QueriesPerSample, double Seconds);

/// <summary>
/// The quick look: every attack of the default ensemble run on its own against a model at one
/// budget, as ART users run a list of attacks. For the full, scored job use <see cref="SecurityAudit"/>.
/// </summary>
public sealed class AttackSuite
{
    private readonly IClassifier _model;
    private readonly LabeledImages _data;

    /// <summary>Attacks <paramref name="model"/> on <paramref name="data"/>.</summary>
    public AttackSuite(IClassifier model, LabeledImages data)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        _model = model;
        _data = data;
    }

    /// <summary>Attacks an ONNX model over [0, 1] inputs.</summary>
    public AttackSuite(OnnxClassifier model, LabeledImages data)
        : this(AuditSubject.FromOnnx(model, data).Classifier, data)
    {
    }

    /// <summary>Budget (default 0.03 in L∞, about 8/255).</summary>
    public float Epsilon { get; init; } = 0.03f;

    /// <summary>Norm (default L∞).</summary>
    public Norm Norm { get; init; } = Norm.Linf;

    /// <summary>Attack strengths, samples and seed (default <see cref="AuditPlan.Default"/>).</summary>
    public AuditPlan Plan { get; init; } = AuditPlan.Default;

    /// <summary>Runs each attack of <see cref="AttackCatalog.DefaultEnsemble"/> on the first <see cref="AuditPlan.Samples"/> samples.</summary>
    public IReadOnlyList<AttackSummary> RunAllAttacks(IProgress<AuditProgress>? progress = null)
    {
        var data = _data.Take(Plan.Samples);
        var results = new List<AttackSummary>();
        var names = AttackCatalog.DefaultEnsemble;
        for (var a = 0; a < names.Count; a++)
        {
            var attack = AttackCatalog.Create(names[a], Norm, Epsilon, Plan);
            var clock = Stopwatch.StartNew();
            int clean = 0, robust = 0, broken = 0;
            long queries = 0;
            var batch = 0;
            foreach (var (x, y) in data.Batches(Plan.Batch))
            {
                var result = attack.Run(_model, x, AttackGoal.Untargeted(y), Plan.Seed + (a * 101) + batch++);
                queries += result.Queries;
                for (var i = 0; i < y.Length; i++)
                {
                    var correct = result.OriginalPrediction[i] == y[i];
                    clean += correct ? 1 : 0;
                    robust += result.AdversarialPrediction[i] == y[i] ? 1 : 0;
                    broken += correct && result.Success[i] ? 1 : 0;
                }
            }

            var n = Math.Max(1, data.Count);
            results.Add(new AttackSummary(attack.Name, AttackCatalog.CategoryOf(names[a]), Epsilon, clean / (double)n, robust / (double)n, clean == 0 ? 0 : broken / (double)clean, queries / (double)n, clock.Elapsed.TotalSeconds));
            progress?.Report(new AuditProgress(attack.Name, a + 1, names.Count));
        }

        return results;
    }
}
