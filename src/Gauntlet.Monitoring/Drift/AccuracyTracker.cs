namespace Gauntlet.Monitoring.Drift;

/// <summary>
/// Accuracy from delayed labels: predictions are remembered by decision id, and when the true
/// label arrives later it is scored. Accuracy over the last <c>window</c> labelled decisions is
/// compared with a baseline; a drop of more than <c>tolerance</c> raises an alert. Thread-safe.
/// </summary>
public sealed class AccuracyTracker
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _pending = [];
    private readonly Queue<string> _pendingOrder = new();
    private readonly Queue<bool> _scored = new();
    private readonly int _window;
    private readonly int _maxPending;

    /// <summary>Creates the tracker.</summary>
    /// <param name="baseline">The accuracy expected (for example the model's test accuracy).</param>
    /// <param name="tolerance">The drop below <paramref name="baseline"/> that raises an alert.</param>
    /// <param name="window">Labelled decisions in the sliding window.</param>
    /// <param name="maxPending">Unlabelled decisions remembered; the oldest are forgotten beyond it.</param>
    public AccuracyTracker(double baseline, double tolerance = 0.1, int window = 200, int maxPending = 100_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        Baseline = baseline;
        Tolerance = tolerance;
        _window = window;
        _maxPending = maxPending;
    }

    /// <summary>The accuracy expected.</summary>
    public double Baseline { get; }

    /// <summary>The drop that raises an alert.</summary>
    public double Tolerance { get; }

    /// <summary>Labelled decisions in the window.</summary>
    public int Labelled
    {
        get
        {
            lock (_gate)
            {
                return _scored.Count;
            }
        }
    }

    /// <summary>Accuracy over the window, or null before any label arrived.</summary>
    public double? Accuracy
    {
        get
        {
            lock (_gate)
            {
                return _scored.Count == 0 ? null : (double)_scored.Count(s => s) / _scored.Count;
            }
        }
    }

    /// <summary>Remembers a served prediction under its decision id.</summary>
    public void Record(string decisionId, int predictedClass)
    {
        lock (_gate)
        {
            if (_pending.TryAdd(decisionId, predictedClass))
            {
                _pendingOrder.Enqueue(decisionId);
            }

            while (_pendingOrder.Count > _maxPending)
            {
                _pending.Remove(_pendingOrder.Dequeue());
            }
        }
    }

    /// <summary>Scores a delayed label; false when the decision id is unknown (never served, or forgotten).</summary>
    public bool Label(string decisionId, int trueClass)
    {
        lock (_gate)
        {
            if (!_pending.Remove(decisionId, out var predicted))
            {
                return false;
            }

            _scored.Enqueue(predicted == trueClass);
            while (_scored.Count > _window)
            {
                _scored.Dequeue();
            }

            return true;
        }
    }

    /// <summary>An alert when the window is full and its accuracy fell more than the tolerance below the baseline.</summary>
    public Alert? Check(DateTimeOffset now)
    {
        lock (_gate)
        {
            if (_scored.Count < _window)
            {
                return null;
            }

            var accuracy = (double)_scored.Count(s => s) / _scored.Count;
            var floor = Baseline - Tolerance;
            return accuracy < floor
                ? new Alert("drift.accuracy", "*", accuracy, floor, now, $"accuracy {accuracy:P1} over the last {_scored.Count} labelled decisions, baseline {Baseline:P1}")
                : null;
        }
    }
}
