using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Gauntlet.Attacks;
using Gauntlet.Audit.Reporting;
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

        _subject = subject;
        _data = data.Take(plan.Samples);
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

    /// <summary>Runs the audit. Cancellation or the plan's time budget end it early with a report marked partial.</summary>
    /// <param name="progress">Receives progress after each batch.</param>
    /// <param name="cancellation">Cancels the audit; the report covers the budgets finished so far.</param>
    public AuditReport Run(IProgress<AuditProgress>? progress = null, CancellationToken cancellation = default)
    {
        var started = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        var run = new AuditRun(_subject.Classifier, _data, _plan, progress, cancellation, clock);
        var threats = new List<ThreatResult>();
        var checks = new List<CheckResult> { run.CheckGradients() };
        var evidence = new List<ThreatEvidence>();
        foreach (var threat in _plan.Threats)
        {
            if (run.Stopped is not null)
            {
                break;
            }

            var outcome = run.RunThreat(threat);
            if (outcome.Result.Points.Count > 0)
            {
                threats.Add(outcome.Result);
                evidence.Add(outcome);
                checks.AddRange(run.CheckThreat(threat, outcome));
            }
        }

        var scorecard = Scoring.Build(evidence);
        var findings = FindingRules.Build(run.CleanAccuracy, _data.ClassNames, evidence, checks);
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
            Status = run.Stopped is null ? "complete" : "partial",
            PartialReason = run.Stopped,
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
            CleanAccuracy = run.CleanAccuracy,
            Scorecard = scorecard,
            Threats = threats,
            Checks = checks,
            Findings = findings,
            Examples = [.. evidence.SelectMany(e => e.Examples)],
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
