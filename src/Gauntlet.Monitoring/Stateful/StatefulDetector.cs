namespace Gauntlet.Monitoring.Stateful;

/// <summary>Settings of a <see cref="StatefulDetector"/>.</summary>
/// <param name="K">Neighbours averaged (Chen et al. use k = 50 on CIFAR-10; small images need fewer).</param>
/// <param name="BufferSize">Encodings kept per key (the oldest are dropped beyond it).</param>
/// <param name="Threshold">An alarm is raised when the mean distance to the k nearest earlier queries falls below it; set by <see cref="StatefulDetector.Calibrate"/>.</param>
public sealed record StatefulOptions(int K = 10, int BufferSize = 1000, double Threshold = 0);

/// <summary>What the detector concluded about one query.</summary>
/// <param name="MeanKnnDistance">The mean distance to the k nearest earlier queries of the key, or null before k queries.</param>
/// <param name="Alarm">True when that distance fell below the threshold.</param>
/// <param name="Detections">Alarms raised for the key so far.</param>
public readonly record struct StatefulVerdict(double? MeanKnnDistance, bool Alarm, int Detections);

/// <summary>
/// Stateful detection of black-box query attacks (Chen, Carlini and Wagner 2020, "Stateful
/// Detection of Black-Box Adversarial Attacks"): an attack's queries are small perturbations of
/// each other, so the mean distance from a new query to the k nearest queries the same key sent
/// before is far smaller than for benign traffic. The detector keeps a buffer of compact encodings
/// per API key; a mean k-NN distance below the threshold (calibrated on benign traffic for a target
/// false-positive rate) raises an alarm, and the key's buffer is cleared, as in the paper. Thread-safe.
/// </summary>
/// <remarks>
/// The paper trains a similarity encoder; this detector uses a fixed one — the input average-pooled
/// to 7×7 per channel (<see cref="SampleEncoding.Pool"/>) — which needs no training and is enough for
/// Square- and HopSkipJump-style attacks whose queries stay within a small ball of one image.
/// </remarks>
public sealed class StatefulDetector
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, KeyState> _keys = [];

    /// <summary>Creates the detector.</summary>
    public StatefulDetector(StatefulOptions? options = null)
    {
        Options = options ?? new StatefulOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.K, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.BufferSize, Options.K);
    }

    /// <summary>The settings (the threshold changes on calibration).</summary>
    public StatefulOptions Options { get; private set; }

    /// <summary>
    /// Sets the threshold from a benign stream: the encodings are fed in order through one fresh
    /// buffer and the threshold is the <paramref name="falsePositiveRate"/> quantile of their mean
    /// k-NN distances, so about that share of benign queries would raise an alarm.
    /// </summary>
    /// <returns>The threshold chosen.</returns>
    public double Calibrate(IReadOnlyList<float[]> benign, double falsePositiveRate = 0.001)
    {
        ArgumentNullException.ThrowIfNull(benign);
        if (benign.Count <= Options.K + 10)
        {
            throw new ArgumentException($"calibration needs more than {Options.K + 10} benign encodings (got {benign.Count}).", nameof(benign));
        }

        var state = new KeyState(Options.BufferSize);
        var distances = new List<double>();
        foreach (var e in benign)
        {
            if (state.MeanKnn(e, Options.K) is { } d)
            {
                distances.Add(d);
            }

            state.Add(e);
        }

        distances.Sort();
        var index = (int)Math.Floor(falsePositiveRate * distances.Count);
        var threshold = index == 0 ? distances[0] * 0.999 : distances[Math.Min(index, distances.Count - 1)];
        Options = Options with { Threshold = threshold };
        return threshold;
    }

    /// <summary>Records one query of <paramref name="key"/> (its encoding) and returns the verdict.</summary>
    public StatefulVerdict Observe(string key, float[] encoding)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(encoding);
        lock (_gate)
        {
            if (!_keys.TryGetValue(key, out var state))
            {
                _keys[key] = state = new KeyState(Options.BufferSize);
            }

            var mean = state.MeanKnn(encoding, Options.K);
            var alarm = mean is { } m && m < Options.Threshold;
            if (alarm)
            {
                state.Detections++;
                state.Clear();
            }
            else
            {
                state.Add(encoding);
            }

            return new StatefulVerdict(mean, alarm, state.Detections);
        }
    }

    /// <summary>Alarms raised for <paramref name="key"/> so far.</summary>
    public int Detections(string key)
    {
        lock (_gate)
        {
            return _keys.TryGetValue(key, out var s) ? s.Detections : 0;
        }
    }

    private sealed class KeyState(int capacity)
    {
        private readonly float[]?[] _buffer = new float[capacity][];
        private int _next;
        private int _count;

        public int Detections { get; set; }

        public void Add(float[] encoding)
        {
            _buffer[_next] = encoding;
            _next = (_next + 1) % _buffer.Length;
            _count = Math.Min(_count + 1, _buffer.Length);
        }

        public void Clear()
        {
            Array.Clear(_buffer);
            _next = 0;
            _count = 0;
        }

        public double? MeanKnn(float[] encoding, int k)
        {
            if (_count < k)
            {
                return null;
            }

            // The k smallest distances, kept in a small sorted array.
            var best = new double[k];
            Array.Fill(best, double.PositiveInfinity);
            for (var i = 0; i < _count; i++)
            {
                var d = SampleEncoding.Distance(encoding, _buffer[i]);
                if (d < best[k - 1])
                {
                    var j = k - 1;
                    while (j > 0 && best[j - 1] > d)
                    {
                        best[j] = best[j - 1];
                        j--;
                    }

                    best[j] = d;
                }
            }

            return best.Average();
        }
    }
}
