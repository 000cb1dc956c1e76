using System.Diagnostics;
using System.Globalization;
using Gauntlet.Attacks;
using Gauntlet.Attacks.Evasion;
using Gauntlet.Audit.Assessments;
using Gauntlet.Audit.Reporting;
using Gauntlet.Data;
using Gauntlet.Models;
using Gauntlet.Tensors;

namespace Gauntlet.Audit;

/// <summary>The mutable state of one audit: samples, clean predictions, seeds, progress and stopping.</summary>
internal sealed class AuditRun
{
    private const int ExamplesPerThreat = 6;

    private readonly IClassifier _model;
    private readonly LabeledImages _data;
    private readonly AuditPlan _plan;
    private readonly AuditContext _context;
    private readonly bool[] _correct;
    private readonly double[] _cleanByClass;

    /// <param name="context">The audit's shared state.</param>
    /// <param name="plan">The plan to run; defaults to the context's (evasion passes a copy without white-box attacks for models without gradients).</param>
    public AuditRun(AuditContext context, AuditPlan? plan = null)
    {
        _context = context;
        _model = context.Subject.Classifier;
        _data = context.Data;
        _plan = plan ?? context.Plan;
        _correct = context.CleanCorrect;
        CleanAccuracy = context.CleanAccuracy;
        _cleanByClass = PerClass(new bool[_data.Count]);
    }

    /// <summary>Work units an audit of <paramref name="plan"/> reports: one per attack and budget, half per budget for checks, one for the gradient check.</summary>
    public static double EstimateWork(AuditPlan plan) => plan.Threats.Sum(t => t.Epsilons.Count * (t.Attacks.Count + 0.5)) + 1;

    public double CleanAccuracy { get; }

    /// <summary>Why the audit stopped early, or null.</summary>
    public string? Stopped => _context.Stopped;

    /// <summary>Input gradients of the correct samples must be finite and mostly non-zero.</summary>
    public CheckResult CheckGradients()
    {
        var indices = Enumerable.Range(0, _data.Count).Where(i => _correct[i]).Take(_plan.Batch).ToArray();
        if (indices.Length == 0)
        {
            return new CheckResult { Id = "gradients_usable", Name = "Input gradients are finite and non-zero", Passed = true, Detail = "no correctly classified samples to check" };
        }

        var subset = _data.Select(indices);
        var (gradient, _) = _model.LossGradient(subset.Images, subset.Labels, static (z, y) => Losses.CrossEntropy(z, y, Reduction.Sum));
        var per = gradient.Size / indices.Length;
        var values = gradient.ReadOnlySpan;
        int zero = 0, nonFinite = 0;
        for (var i = 0; i < indices.Length; i++)
        {
            var row = values.Slice(i * per, per);
            var allZero = true;
            var finite = true;
            foreach (var v in row)
            {
                allZero &= v == 0f;
                finite &= float.IsFinite(v);
            }

            zero += allZero ? 1 : 0;
            nonFinite += finite ? 0 : 1;
        }

        Advance("gradient check", 1);
        return new CheckResult
        {
            Id = "gradients_usable",
            Name = "Input gradients are finite and non-zero",
            Passed = nonFinite == 0 && zero <= 0.05 * indices.Length,
            Detail = string.Create(CultureInfo.InvariantCulture, $"{zero} of {indices.Length} correctly classified samples have an all-zero input gradient, {nonFinite} a non-finite one (passes at 0 non-finite and at most 5% zero)."),
        };
    }

    /// <summary>Runs every budget of <paramref name="threat"/>; stops early (keeping finished budgets) on cancellation or the time budget.</summary>
    public ThreatEvidence RunThreat(ThreatModel threat)
    {
        var norm = threat.Norm == "l2" ? Norm.L2 : Norm.Linf;
        var n = _data.Count;
        var ordered = AttackCatalog.InRunOrder(threat.Attacks).Where(a => AttackCatalog.AppliesTo(a, _model.ClassCount)).ToList();
        var envelope = new Dictionary<AttackerCategory, bool[]>
        {
            [AttackerCategory.Noise] = new bool[n],
            [AttackerCategory.BlackBox] = new bool[n],
            [AttackerCategory.WhiteBox] = new bool[n],
        };
        var points = new List<EpsilonResult>();
        var blackOnly = new List<int>();
        var noiseOnly = new List<int>();
        var examples = new List<AdversarialExample>();
        var perClassRobust = new Dictionary<AttackerCategory, double[]>();
        for (var e = 0; e < threat.Epsilons.Count; e++)
        {
            var epsilon = threat.Epsilons[e];
            var raw = new Dictionary<AttackerCategory, bool[]>
            {
                [AttackerCategory.Noise] = new bool[n],
                [AttackerCategory.BlackBox] = new bool[n],
                [AttackerCategory.WhiteBox] = new bool[n],
            };
            var next = envelope.ToDictionary(p => p.Key, p => (bool[])p.Value.Clone());
            var outcomes = new List<AttackOutcome>();
            var keepExamples = epsilon == threat.Reference ? examples : null;
            for (var a = 0; a < ordered.Count && Stopped is null; a++)
            {
                var name = ordered[a];
                var category = AttackCatalog.CategoryOf(name);

                // Noise and black-box only need points not already broken within their envelope; white-box
                // runs on every correct point so its per-budget figure (for the masking checks) is honest.
                var skip = category == AttackerCategory.WhiteBox ? raw[category] : next[category];
                var candidates = Enumerable.Range(0, n).Where(i => _correct[i] && !skip[i]).ToArray();
                var attack = AttackCatalog.Create(name, norm, epsilon, _plan);
                var stage = string.Create(CultureInfo.InvariantCulture, $"{threat.Name} ε={epsilon} {name}");
                var outcome = RunAttack(category, attack, candidates, Seed(threat, e, a), stage, keepExamples, threat.Name, epsilon);
                if (outcome is null)
                {
                    break;
                }

                foreach (var i in outcome.Value.Broken)
                {
                    raw[category][i] = true;
                }

                // A weaker attacker's success is available to every stronger one.
                foreach (var stronger in new[] { AttackerCategory.Noise, AttackerCategory.BlackBox, AttackerCategory.WhiteBox }.Where(c => c >= category))
                {
                    foreach (var i in outcome.Value.Broken)
                    {
                        next[stronger][i] = true;
                    }
                }

                outcomes.Add(outcome.Value.Summary with { RobustAfter = Robust(next[category]) });
            }

            if (Stopped is not null)
            {
                break;
            }

            envelope = next;
            blackOnly.Add(Enumerable.Range(0, n).Count(i => raw[AttackerCategory.BlackBox][i] && !raw[AttackerCategory.WhiteBox][i]));
            noiseOnly.Add(Enumerable.Range(0, n).Count(i => raw[AttackerCategory.Noise][i] && !raw[AttackerCategory.WhiteBox][i]));
            points.Add(new EpsilonResult
            {
                Epsilon = epsilon,
                RobustAccuracy = new CategoryAccuracy(Robust(envelope[AttackerCategory.WhiteBox]), Robust(envelope[AttackerCategory.BlackBox]), Robust(envelope[AttackerCategory.Noise])),
                WhiteBoxAtThisBudget = Robust(raw[AttackerCategory.WhiteBox]),
                Attacks = outcomes,
            });
            if (epsilon == threat.Reference)
            {
                foreach (var (category, broken) in envelope)
                {
                    perClassRobust[category] = PerClass(broken);
                }
            }
        }

        var names = _data.ClassNames;
        var perClass = new List<ClassResult>();
        if (perClassRobust.TryGetValue(AttackerCategory.WhiteBox, out var whiteByClass))
        {
            for (var c = 0; c < _model.ClassCount; c++)
            {
                var count = _data.Labels.Count(l => l == c);
                if (count > 0)
                {
                    perClass.Add(new ClassResult { ClassIndex = c, Name = ClassName(c), Count = count, CleanAccuracy = _cleanByClass[c], RobustAccuracy = whiteByClass[c] });
                }
            }
        }

        return new ThreatEvidence
        {
            Threat = threat,
            Result = new ThreatResult { Name = threat.Name, Norm = threat.Norm, ReferenceEpsilon = threat.Reference, Points = points, PerClass = perClass },
            Assessed = ordered.Select(AttackCatalog.CategoryOf).ToHashSet(),
            BlackOnly = blackOnly,
            NoiseOnly = noiseOnly,
            PerClassRobust = perClassRobust,
            PerClassClean = _cleanByClass,
            Correct = _correct.Count(c => c),
            Samples = n,
            Examples = [.. examples.OrderBy(x => x.Index).Take(ExamplesPerThreat)],
        };
    }

    /// <summary>Gradient-masking and convergence checks for one threat.</summary>
    public IEnumerable<CheckResult> CheckThreat(ThreatModel threat, ThreatEvidence evidence)
    {
        var correct = evidence.Correct;
        var slack = Math.Max(2, (int)Math.Ceiling(0.02 * correct));
        var points = evidence.Result.Points;
        // Comparisons with the white-box ensemble only mean something when the threat ran one.
        if (evidence.Assessed.Contains(AttackerCategory.WhiteBox))
        {
            if (evidence.Assessed.Contains(AttackerCategory.BlackBox))
            {
                yield return WeakerAttackerCheck("black_box_not_stronger", "Black-box attacks do not beat white-box attacks", "black-box attacks", threat, evidence.BlackOnly, slack);
            }

            if (evidence.Assessed.Contains(AttackerCategory.Noise))
            {
                yield return WeakerAttackerCheck("noise_not_stronger", "Random noise does not beat gradient attacks", "random noise", threat, evidence.NoiseOnly, slack);
            }
        }

        var rises = 0.0;
        for (var i = 1; i < points.Count; i++)
        {
            rises = Math.Max(rises, points[i].WhiteBoxAtThisBudget - points[i - 1].WhiteBoxAtThisBudget);
        }

        var rise = rises * evidence.Samples;
        yield return new CheckResult
        {
            Id = "robustness_falls_with_budget",
            Name = "White-box robust accuracy does not rise as the budget grows",
            Threat = threat.Name,
            Passed = rise <= slack,
            Detail = string.Create(CultureInfo.InvariantCulture, $"largest rise between consecutive budgets: {rise:0} samples (passes at ≤ {slack})."),
        };

        // Both remaining checks run PGD, which needs gradients.
        if (Stopped is null && _model.HasGradients)
        {
            yield return UnboundedCheck(threat, slack);
        }

        if (Stopped is null && _model.HasGradients && evidence.ReferencePoint is { } reference)
        {
            yield return MoreStepsCheck(threat, reference, slack);
        }
    }

    private static CheckResult WeakerAttackerCheck(string id, string name, string what, ThreatModel threat, IReadOnlyList<int> brokenOnlyByWeaker, int slack)
    {
        var worst = brokenOnlyByWeaker.Max();
        return new CheckResult
        {
            Id = id,
            Name = name,
            Threat = threat.Name,
            Passed = worst <= slack,
            Detail = string.Create(CultureInfo.InvariantCulture, $"at worst {worst} samples broken by {what} but not by the white-box ensemble at the same budget (passes at ≤ {slack})."),
        };
    }

    // A budget covering the whole input domain lets any input become any other: a model that still
    // resists PGD there is hiding its gradients, not robust.
    private CheckResult UnboundedCheck(ThreatModel threat, int slack)
    {
        var norm = threat.Norm == "l2" ? Norm.L2 : Norm.Linf;
        var width = _model.InputRange.Max - _model.InputRange.Min;
        var epsilon = norm == Norm.Linf ? width : width * MathF.Sqrt(_model.SampleShape.ToArray().Aggregate(1, (a, b) => a * b));
        var candidates = Enumerable.Range(0, _data.Count).Where(i => _correct[i]).ToArray();
        // No random start: over the whole domain a random start is a random input, which would
        // "break" samples without any gradient and hide the masking this check is for.
        var attack = new Pgd(epsilon, 2.5f * epsilon / _plan.PgdSteps, _plan.PgdSteps, norm, randomStart: false);
        var outcome = RunAttack(AttackerCategory.WhiteBox, attack, candidates, Seed(threat, 1000, 0), $"{threat.Name} unbounded pgd", null, threat.Name, epsilon);
        var survivors = outcome is null ? 0 : candidates.Length - outcome.Value.Broken.Count;
        return new CheckResult
        {
            Id = "unbounded_attack_succeeds",
            Name = "PGD with a budget covering the whole input domain breaks every sample",
            Threat = threat.Name,
            Passed = survivors <= slack,
            Detail = string.Create(CultureInfo.InvariantCulture, $"{survivors} of {candidates.Length} correctly classified samples survived PGD-{_plan.PgdSteps} at ε = {epsilon:G4} (passes at ≤ {slack})."),
        };
    }

    // If five times the steps still breaks notably more samples, the ensemble had not converged and
    // the robust accuracy it reported is an overestimate.
    private CheckResult MoreStepsCheck(ThreatModel threat, EpsilonResult reference, int slack)
    {
        var norm = threat.Norm == "l2" ? Norm.L2 : Norm.Linf;
        var steps = _plan.PgdSteps * 5;
        var epsilon = reference.Epsilon;
        var robustCount = (int)Math.Round(reference.WhiteBoxAtThisBudget * _data.Count);
        var candidates = Enumerable.Range(0, _data.Count).Where(i => _correct[i]).ToArray();
        var attack = new Pgd(epsilon, 2.5f * epsilon / steps, steps, norm, randomStart: true);
        var outcome = RunAttack(AttackerCategory.WhiteBox, attack, candidates, Seed(threat, 2000, 0), $"{threat.Name} ε={epsilon.ToString(CultureInfo.InvariantCulture)} pgd-{steps}", null, threat.Name, epsilon);
        var longRobust = outcome is null ? robustCount : candidates.Length - outcome.Value.Broken.Count;
        var gain = robustCount - longRobust;
        return new CheckResult
        {
            Id = "more_steps_no_stronger",
            Name = "Five times the PGD steps does not beat the ensemble",
            Threat = threat.Name,
            Passed = gain <= slack,
            Detail = string.Create(CultureInfo.InvariantCulture, $"at ε = {epsilon}: {robustCount} samples survived the ensemble, {longRobust} survived PGD-{steps} alone (passes when PGD-{steps} leaves at most {slack} fewer)."),
        };
    }

    private (AttackOutcome Summary, List<int> Broken)? RunAttack(AttackerCategory category, EvasionAttack attack, int[] candidates, int seed, string stage, List<AdversarialExample>? examples, string threat, float epsilon)
    {
        var broken = new List<int>();
        var l2 = new List<float>();
        var linf = new List<float>();
        long queries = 0;
        var clock = Stopwatch.StartNew();
        var chunks = (candidates.Length + _plan.Batch - 1) / _plan.Batch;
        for (var c = 0; c < chunks; c++)
        {
            if (_context.ShouldStop())
            {
                return null;
            }

            var indices = candidates.Skip(c * _plan.Batch).Take(_plan.Batch).ToArray();
            var subset = _data.Select(indices);
            var result = attack.Run(_model, subset.Images, AttackGoal.Untargeted(subset.Labels), seed + c);
            queries += result.Queries;
            for (var k = 0; k < indices.Length; k++)
            {
                if (!result.Success[k])
                {
                    continue;
                }

                broken.Add(indices[k]);
                l2.Add(result.L2[k]);
                linf.Add(result.Linf[k]);
                // One example per sample (the first attack that broke it), so the report's grid shows distinct images.
                if (examples is not null && examples.Count < ExamplesPerThreat * 4 && _model.SampleShape.Rank == 3 && _model.SampleShape[0] is 1 or 3
                    && examples.TrueForAll(x => x.Index != indices[k]))
                {
                    examples.Add(Example(subset.Images, result, k, indices[k], attack.Name, threat, epsilon));
                }
            }

            Advance(stage, 1.0 / chunks);
        }

        if (chunks == 0)
        {
            Advance(stage, 1);
        }

        return (new AttackOutcome
        {
            Attack = attack.Name,
            Category = category.Id(),
            Attacked = candidates.Length,
            Broken = broken.Count,
            RobustAfter = 0,
            MedianL2 = Median(l2),
            MedianLinf = Median(linf),
            QueriesPerSample = candidates.Length == 0 ? 0 : Math.Round(queries / (double)candidates.Length, 2),
            Seconds = Math.Round(clock.Elapsed.TotalSeconds, 3),
        }, broken);
    }

    private AdversarialExample Example(Tensor clean, AttackResult result, int k, int index, string attack, string threat, float epsilon)
    {
        var per = clean.Size / clean.Dim(0);
        var shape = _model.SampleShape.ToArray();
        var x = Tensor.FromArray(clean.ReadOnlySpan.Slice(k * per, per).ToArray(), shape);
        var adv = Tensor.FromArray(result.Adversarial.ReadOnlySpan.Slice(k * per, per).ToArray(), shape);
        var view = PerturbationView.Of(x, adv, _model.InputRange);
        return new AdversarialExample
        {
            Threat = threat,
            Epsilon = epsilon,
            Attack = attack,
            Index = index,
            Label = ClassName(_data.Labels[index]),
            CleanPrediction = ClassName(result.OriginalPrediction[k]),
            AdversarialPrediction = ClassName(result.AdversarialPrediction[k]),
            AdversarialConfidence = Math.Round(result.AdversarialConfidence[k], 4),
            CleanPng = Convert.ToBase64String(PngWriter.Encode(view.Clean)),
            AdversarialPng = Convert.ToBase64String(PngWriter.Encode(view.Adversarial)),
            PerturbationPng = Convert.ToBase64String(PngWriter.Encode(view.Perturbation)),
        };
    }

    private string ClassName(int c) => c < _data.ClassNames.Count && _data.ClassCount == _model.ClassCount ? _data.ClassNames[c] : c.ToString(CultureInfo.InvariantCulture);

    private double Robust(bool[] broken)
    {
        var robust = 0;
        for (var i = 0; i < broken.Length; i++)
        {
            robust += _correct[i] && !broken[i] ? 1 : 0;
        }

        return broken.Length == 0 ? 0 : robust / (double)broken.Length;
    }

    private double[] PerClass(bool[] broken)
    {
        var robust = new double[_model.ClassCount];
        var count = new int[_model.ClassCount];
        for (var i = 0; i < broken.Length; i++)
        {
            count[_data.Labels[i]]++;
            robust[_data.Labels[i]] += _correct[i] && !broken[i] ? 1 : 0;
        }

        for (var c = 0; c < robust.Length; c++)
        {
            robust[c] = count[c] == 0 ? double.NaN : robust[c] / count[c];
        }

        return robust;
    }

    private int Seed(ThreatModel threat, int epsilonIndex, int attackIndex)
    {
        var threatIndex = _plan.Threats.ToList().IndexOf(threat);
        return unchecked(_plan.Seed + (threatIndex * 1_000_003) + (epsilonIndex * 10_007) + (attackIndex * 101));
    }

    private void Advance(string stage, double units) => _context.Advance(stage, units);

    private static double Median(List<float> values) =>
        values.Count == 0 ? 0 : Math.Round(values.Order().ElementAt(values.Count / 2), 5);
}
