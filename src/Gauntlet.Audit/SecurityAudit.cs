using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Gauntlet.Attacks;
using Gauntlet.Audit.Assessments;
using Gauntlet.Audit.Reporting;
using Gauntlet.Core;
using Gauntlet.Data;
using Gauntlet.Models;
using Gauntlet.Onnx;
using Gauntlet.Tensors;

namespace Gauntlet.Audit;

/// <summary>Where an audit is: a stage label and work units done out of the total.</summary>
/// <param name="Stage">What is running, e.g. <c>linf ε=0.03 pgd</c>.</param>
/// <param name="Done">Work units finished.</param>
/// <param name="Total">Work units in the whole audit.</param>
public readonly record struct AuditProgress(string Stage, double Done, double Total);

/// <summary>
/// Runs an <see cref="AuditPlan"/> against a model and data: clean accuracy; per threat and budget
/// the noise, black-box and white-box ensembles (each attack only on points its ensemble has not
/// broken yet); gradient-masking checks; findings; the scorecard; and CI gates.
/// </summary>
public sealed class SecurityAudit
{
    private readonly AuditSubject _subject;
    private readonly LabeledImages _data;
    private readonly LabeledImages _allData;
    private readonly AuditPlan _plan;

    /// <summary>Audits <paramref name="subject"/> on the first <see cref="AuditPlan.Samples"/> samples of <paramref name="data"/>.</summary>
    /// <exception cref="ArgumentException">The data does not fit the model, or the plan is invalid.</exception>
    public SecurityAudit(AuditSubject subject, LabeledImages data, AuditPlan plan)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(plan);
        try
        {
            AuditPlanReader.Validate(plan, "audit plan");
        }
        catch (InvalidDataException ex)
        {
            throw new ArgumentException(ex.Message, nameof(plan));
        }

        var sample = data.Images.Shape.Dims[1..].ToArray();
        if (!sample.SequenceEqual(subject.Classifier.SampleShape.ToArray()))
        {
            throw new ArgumentException($"{data.Source}: samples are [{string.Join(", ", sample)}] but the model expects [{string.Join(", ", subject.Classifier.SampleShape.ToArray())}].", nameof(data));
        }

        if (data.Labels.Any(l => l >= subject.Classifier.ClassCount))
        {
            throw new ArgumentException($"{data.Source}: labels reach class {data.Labels.Max()} but the model has {subject.Classifier.ClassCount} classes.", nameof(data));
        }

        // Budgets against the model's domain, and the batch tensor's size, need the model and the data.
        var sampleSize = subject.Classifier.SampleShape.Size;
        try
        {
            AuditPlanReader.ValidateDomain(plan, subject.Classifier.InputRange, sampleSize, "audit plan");
        }
        catch (InvalidDataException ex)
        {
            throw new ArgumentException(ex.Message, nameof(plan));
        }

        if (RunLimits.BatchProblem(Math.Min(plan.Batch, Math.Max(1, Math.Min(plan.Samples, data.Count))), sampleSize, plan.AllowUnbounded, RunLimits.PlanSwitch) is { } problem)
        {
            throw new ArgumentException($"audit plan: batch: {problem}.", nameof(plan));
        }

        _subject = subject;
        _data = data.Take(plan.Samples);
        _allData = data;
        _plan = plan;
    }

    /// <summary>Audits an ONNX model over [0, 1] inputs (see <see cref="AuditSubject.FromOnnx"/>).</summary>
    public SecurityAudit(OnnxClassifier model, LabeledImages data, AuditPlan plan)
        : this(AuditSubject.FromOnnx(model, data), data, plan)
    {
    }

    /// <summary>Audits a classifier known only in memory (the report's model hash is <c>unknown</c>).</summary>
    public SecurityAudit(IClassifier model, LabeledImages data, AuditPlan plan)
        : this(new AuditSubject(model, "in-memory model", "unknown", "in-memory"), data, plan)
    {
    }

    /// <summary>Overrides the plan's minimum score gate (<c>--fail-under</c>).</summary>
    public double? FailUnder { get; init; }

    /// <summary>
    /// The modules this audit runs, in order (default: <see cref="Assessments.AssessmentCatalog.BuiltIn"/>);
    /// the plan's <see cref="AuditPlan.Assessments"/> selects among them.
    /// </summary>
    public IReadOnlyList<IAssessment> Modules { get; init; } = AssessmentCatalog.BuiltIn;

    /// <summary>Files or folders the supply-chain module scans beside the model (<c>--artifacts</c>).</summary>
    public IReadOnlyList<string> Artifacts { get; init; } = [];

    /// <summary>Runs the opt-in poisoning module (<see cref="AssessmentCatalog.OptIn"/>) even when the plan does not name it (<c>--backdoor</c>).</summary>
    public bool Backdoor { get; init; }

    /// <summary>Known members and non-members of the training set; the privacy module runs only with them.</summary>
    public Gauntlet.Privacy.Membership.MembershipData? Membership { get; init; }

    /// <summary>For tabular data: feature names, schema and the protected attribute, handed to every module through <see cref="Assessments.AuditContext.AuditData"/>; null for images.</summary>
    public Assessments.AuditData? AuditData { get; init; }

    /// <summary>Runs the audit. Cancellation or the plan's time budget end it early with a report marked partial.</summary>
    /// <param name="progress">Receives progress after each batch.</param>
    /// <param name="cancellation">Cancels the audit; the report covers the budgets finished so far.</param>
    public AuditReport Run(IProgress<AuditProgress>? progress = null, CancellationToken cancellation = default)
    {
        var started = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        var context = new AuditContext(_subject, _data, _plan, Artifacts, progress, cancellation, clock, _allData) { Membership = Membership, AuditData = AuditData };
        // Opt-in modules join only when asked for; a default audit's module list is unchanged.
        var modules = Modules.Concat(AssessmentCatalog.OptIn.Where(m => !Modules.Contains(m) && (Backdoor || _plan.Assessments?.Contains(m.Id) == true))).ToList();
        var selected = modules.Where(m => _plan.Assessments is null || _plan.Assessments.Contains(m.Id) || (Backdoor && AssessmentCatalog.OptIn.Contains(m))).ToList();
        var applicable = selected.Select(m => (Module: m, Applies: m.AppliesTo(context))).ToList();
        context.TotalWork = Math.Max(1, applicable.Where(a => a.Applies.Applies).Sum(a => a.Module.EstimateWork(context)));
        var categories = new List<CategoryScore>();
        var findings = new List<AuditFinding>();
        var checks = new List<CheckResult>();
        var threats = new List<ThreatResult>();
        var examples = new List<AdversarialExample>();
        var caps = new List<ScoreCap>();
        var summaries = new List<AssessmentSummary>();
        foreach (var module in modules)
        {
            var applies = applicable.FirstOrDefault(a => a.Module == module).Applies;
            string status;
            string? reason = null;
            var moduleClock = Stopwatch.StartNew();
            AssessmentResult? result = null;
            if (applies is null)
            {
                (status, reason) = ("not_run", "not selected by the plan's assessments");
                categories.AddRange(Scoring.NotRun(module, "not_assessed", $"The {module.Id} module was not selected by the plan."));
            }
            else if (!applies.Applies)
            {
                (status, reason) = ("not_applicable", applies.Reason);
                categories.AddRange(Scoring.NotRun(module, "not_applicable", $"Not applicable: {applies.Reason}."));
            }
            else if (context.ShouldStop())
            {
                (status, reason) = ("not_run", $"the audit stopped first ({context.Stopped})");
                categories.AddRange(Scoring.NotRun(module, "not_assessed", $"Not assessed: the audit stopped first ({context.Stopped})."));
            }
            else
            {
                result = module.Run(context);
                (status, reason) = context.Stopped is null ? ("run", null) : ("partial", context.Stopped);
                categories.AddRange(result.Categories);
                findings.AddRange(result.Findings);
                checks.AddRange(result.Checks);
                threats.AddRange(result.Threats);
                examples.AddRange(result.Examples);
                if (result.Cap is { } cap)
                {
                    caps.Add(cap);
                }
            }

            summaries.Add(new AssessmentSummary
            {
                Id = module.Id,
                Name = module.Name,
                Status = status,
                Reason = reason,
                Categories = [.. module.Categories.Select(c => c.Id)],
                Findings = result?.Findings.Count ?? 0,
                Seconds = Math.Round(moduleClock.Elapsed.TotalSeconds, 2),
                Artifacts = result?.Artifacts ?? [],
            });
        }

        var scorecard = Scoring.Build(categories, caps);
        if (context.Stopped is not null)
        {
            // A partial score averages only what finished (often the cheap, flattering attacks): no grade.
            scorecard = scorecard with { Grade = null };
        }

        findings = [.. findings.OrderByDescending(f => f.Severity)];
        var gates = new List<GateResult>();
        var minScore = FailUnder ?? _plan.Thresholds.MinScore;
        if (minScore > 0)
        {
            gates.Add(new GateResult { Name = "overall_score", Threshold = minScore, Actual = scorecard.OverallScore });
        }

        foreach (var gate in _plan.Thresholds.MinRobustAccuracy)
        {
            var point = threats.FirstOrDefault(t => t.Name == gate.Threat)?.Points.FirstOrDefault(p => p.Epsilon == gate.Epsilon);
            gates.Add(new GateResult
            {
                Name = string.Create(CultureInfo.InvariantCulture, $"{gate.Threat}@{gate.Epsilon} robust_accuracy"),
                Threshold = gate.Value,
                Actual = point?.RobustAccuracy.WhiteBox ?? 0,
            });
        }

        var dataHash = HashData(_data);
        return new AuditReport
        {
            Status = context.Stopped is null ? "complete" : "partial",
            PartialReason = context.Stopped,
            Model = new ModelInfo
            {
                Path = _subject.Path,
                Sha256 = _subject.Sha256,
                Format = _subject.Format,
                SampleShape = _subject.Classifier.SampleShape.ToArray(),
                ClassCount = _subject.Classifier.ClassCount,
                InputMin = _subject.Classifier.InputRange.Min,
                InputMax = _subject.Classifier.InputRange.Max,
            },
            Data = new DataInfo { Source = _data.Source, Sha256 = dataHash, Samples = _data.Count, ClassNames = ClassNames() },
            CleanAccuracy = context.CleanAccuracy,
            Scorecard = scorecard,
            Threats = threats,
            Checks = checks,
            Assessments = summaries,
            Findings = findings,
            Examples = examples,
            Gates = gates,
            Reproducibility = new Reproducibility
            {
                ToolVersion = ToolVersion,
                Seed = _plan.Seed,
                ModelSha256 = _subject.Sha256,
                DataSha256 = dataHash,
                Plan = _plan,
                Machine = new MachineInfo
                {
                    Os = RuntimeInformation.OSDescription,
                    Runtime = RuntimeInformation.FrameworkDescription,
                    Architecture = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant(),
                    ProcessorCount = Environment.ProcessorCount,
                    Simd = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "avx512" : System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? "avx2" : System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated ? "sse/neon" : "scalar",
                },
                StartedAt = started.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                Seconds = Math.Round(clock.Elapsed.TotalSeconds, 2),
            },
        };
    }

    /// <summary>Gauntlet's version as recorded in reports.</summary>
    public static string ToolVersion =>
        (typeof(SecurityAudit).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false).FirstOrDefault() as System.Reflection.AssemblyInformationalVersionAttribute)?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    private IReadOnlyList<string> ClassNames() =>
        _data.ClassNames.Count == _subject.Classifier.ClassCount
            ? _data.ClassNames
            : [.. Enumerable.Range(0, _subject.Classifier.ClassCount).Select(i => i.ToString(CultureInfo.InvariantCulture))];

    private static string HashData(LabeledImages data)
    {
        var pixels = MemoryMarshal.AsBytes(data.Images.ReadOnlySpan);
        var labels = MemoryMarshal.AsBytes(data.Labels.AsSpan());
        var all = new byte[pixels.Length + labels.Length];
        pixels.CopyTo(all);
        labels.CopyTo(all.AsSpan(pixels.Length));
        return AuditSubject.Hash(all);
    }
}
