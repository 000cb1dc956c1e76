namespace Gauntlet.Monitoring.Drift;

/// <summary>Settings of a <see cref="DriftMonitor"/>.</summary>
/// <param name="ReferenceSize">Observations in the reference window (the first ones seen, unless a reference is given).</param>
/// <param name="WindowSize">Observations in the sliding current window that is compared with the reference.</param>
/// <param name="PsiThreshold">PSI above which the input-brightness distribution counts as shifted (0.25 is the usual rule).</param>
/// <param name="Alpha">The p-value below which a test (KS, MMD, χ²) counts as a shift; small, because the tests run repeatedly.</param>
/// <param name="Permutations">Permutations for the MMD p-value.</param>
/// <param name="Seed">Seed of the MMD permutations.</param>
public sealed record DriftOptions(int ReferenceSize = 200, int WindowSize = 200, double PsiThreshold = 0.25, double Alpha = 0.001, int Permutations = 100, int Seed = 0);

/// <summary>One drift statistic as evaluated: name, value, threshold and whether it tripped.</summary>
/// <param name="Name">The statistic, for example <c>input.mmd</c>.</param>
/// <param name="Statistic">Its value.</param>
/// <param name="PValue">Its p-value, or null for PSI.</param>
/// <param name="Threshold">What it is compared with: the PSI threshold, or α for tests.</param>
/// <param name="Drifted">True when the statistic crossed its threshold.</param>
public sealed record DriftStatistic(string Name, double Statistic, double? PValue, double Threshold, bool Drifted);

/// <summary>An evaluation of the current window against the reference.</summary>
/// <param name="Ready">False until both windows are full (no statistic is computed before).</param>
/// <param name="Observed">Observations seen in all.</param>
/// <param name="Statistics">The statistics, when ready.</param>
/// <param name="Alerts">One alert per tripped statistic.</param>
public sealed record DriftReport(bool Ready, long Observed, IReadOnlyList<DriftStatistic> Statistics, IReadOnlyList<Alert> Alerts)
{
    /// <summary>True when any statistic tripped.</summary>
    public bool Drifted => Statistics.Any(s => s.Drifted);
}

/// <summary>
/// Drift of a deployed model's traffic against a reference window: input drift (PSI and KS of each
/// sample's mean intensity, MMD with an RBF kernel on pooled encodings), confidence drift (KS of
/// the top-class probability) and class-mix drift (χ² of predicted classes). Thread-safe.
/// </summary>
public sealed class DriftMonitor
{
    private readonly Lock _gate = new();
    private readonly List<Observation> _reference = [];
    private readonly Queue<Observation> _window = new();
    private readonly int _classes;
    private double _gamma;
    private long _observed;

    /// <summary>Creates a monitor for a model with <paramref name="classCount"/> classes.</summary>
    public DriftMonitor(int classCount, DriftOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        _classes = classCount;
        Options = options ?? new DriftOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.ReferenceSize, 10);
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.WindowSize, 10);
    }

    /// <summary>The settings.</summary>
    public DriftOptions Options { get; }

    /// <summary>True once the reference window is full.</summary>
    public bool HasReference
    {
        get
        {
            lock (_gate)
            {
                return _reference.Count >= Options.ReferenceSize;
            }
        }
    }

    /// <summary>Records one served prediction: the input's encoding, its mean intensity, the top-class probability and the predicted class.</summary>
    /// <param name="encoding">The input's compact encoding (<see cref="SampleEncoding.Pool"/>).</param>
    /// <param name="meanIntensity">The input's mean value.</param>
    /// <param name="confidence">The top-class probability.</param>
    /// <param name="predictedClass">The predicted class.</param>
    public void Observe(float[] encoding, double meanIntensity, double confidence, int predictedClass)
    {
        ArgumentNullException.ThrowIfNull(encoding);
        var o = new Observation(encoding, meanIntensity, confidence, Math.Clamp(predictedClass, 0, _classes - 1));
        lock (_gate)
        {
            _observed++;
            if (_reference.Count < Options.ReferenceSize)
            {
                _reference.Add(o);
                if (_reference.Count == Options.ReferenceSize)
                {
                    _gamma = DriftStatistics.MedianHeuristicGamma([.. _reference.Select(r => r.Encoding)]);
                }

                return;
            }

            _window.Enqueue(o);
            while (_window.Count > Options.WindowSize)
            {
                _window.Dequeue();
            }
        }
    }

    /// <summary>Evaluates the current window against the reference (nothing is computed until both are full).</summary>
    /// <param name="now">The time stamped on alerts.</param>
    public DriftReport Evaluate(DateTimeOffset now)
    {
        Observation[] reference, current;
        double gamma;
        long observed;
        lock (_gate)
        {
            observed = _observed;
            if (_reference.Count < Options.ReferenceSize || _window.Count < Options.WindowSize)
            {
                return new DriftReport(false, observed, [], []);
            }

            reference = [.. _reference];
            current = [.. _window];
            gamma = _gamma;
        }

        var stats = new List<DriftStatistic>();
        var refBright = reference.Select(o => o.Mean).ToArray();
        var curBright = current.Select(o => o.Mean).ToArray();
        var psi = DriftStatistics.Psi(refBright, curBright);
        stats.Add(new DriftStatistic("input.psi", psi, null, Options.PsiThreshold, psi > Options.PsiThreshold));
        Test("input.ks", DriftStatistics.KolmogorovSmirnov(refBright, curBright));
        Test("input.mmd", DriftStatistics.Mmd([.. reference.Select(o => o.Encoding)], [.. current.Select(o => o.Encoding)], gamma, Options.Permutations, Options.Seed));
        Test("confidence.ks", DriftStatistics.KolmogorovSmirnov([.. reference.Select(o => o.Confidence)], [.. current.Select(o => o.Confidence)]));
        Test("classmix.chi2", DriftStatistics.ChiSquare(Counts(reference), Counts(current)));
        var alerts = stats.Where(s => s.Drifted)
            .Select(s => new Alert("drift." + s.Name, "*", s.PValue ?? s.Statistic, s.Threshold, now,
                s.PValue is { } p ? $"{s.Name} = {s.Statistic:G4}, p = {p:G3} < α = {s.Threshold}" : $"{s.Name} = {s.Statistic:G4} > {s.Threshold}"))
            .ToList();
        return new DriftReport(true, observed, stats, alerts);

        void Test(string name, TestResult result) =>
            stats.Add(new DriftStatistic(name, result.Statistic, result.PValue, Options.Alpha, result.PValue < Options.Alpha));
    }

    private long[] Counts(IEnumerable<Observation> observations)
    {
        var counts = new long[_classes];
        foreach (var o in observations)
        {
            counts[o.Class]++;
        }

        return counts;
    }

    private sealed record Observation(float[] Encoding, double Mean, double Confidence, int Class);
}
