using Gauntlet.Data;
using Gauntlet.Tensors;

namespace Gauntlet.Poisoning.Detection;

/// <summary>
/// The optimisation state of one class in <see cref="NeuralCleanse"/>: θ of the mask and pattern,
/// Adam's moments, the mini-batch order, and the reference code's cost schedule and early stop.
/// </summary>
internal sealed class ClassState
{
    private const float Beta1 = 0.5f;
    private const float Beta2 = 0.9f;
    private const float AdamEpsilon = 1e-7f;

    private readonly NeuralCleanseOptions _options;
    private readonly int _channels;
    private readonly int _plane;
    private readonly float _lo;
    private readonly float _hi;
    private readonly int[] _pool;
    private readonly Rng _rng;
    private readonly int _batchesPerEpoch;
    private readonly float[] _thetaMask;
    private readonly float[] _thetaPattern;
    private readonly float[] _mMask;
    private readonly float[] _vMask;
    private readonly float[] _mPattern;
    private readonly float[] _vPattern;
    private readonly float[] _mask;
    private readonly float[] _pattern;
    private readonly int[] _drawn;
    private int[] _order;
    private int _cursor;
    private int _adamStep;

    private double _cost;
    private int _costSet;
    private int _up;
    private int _down;
    private bool _wentUp;
    private bool _wentDown;
    private int _earlyStop;
    private double _earlyStopBest = double.PositiveInfinity;

    private int _batchInEpoch;
    private long _epochHits;
    private long _epochSeen;
    private double _epochL1;

    private float[]? _bestMask;
    private float[]? _bestPattern;
    private double _bestL1 = double.PositiveInfinity;

    public ClassState(int target, LabeledImages clean, int channels, int plane, float lo, float hi, NeuralCleanseOptions options)
    {
        Target = target;
        _options = options;
        (_channels, _plane, _lo, _hi) = (channels, plane, lo, hi);
        var others = Enumerable.Range(0, clean.Count).Where(i => clean.Labels[i] != target).ToArray();
        _pool = others.Length > 0 ? others : [.. Enumerable.Range(0, clean.Count)];
        BatchSize = Math.Min(options.BatchSize, _pool.Length);
        _drawn = new int[BatchSize];
        _batchesPerEpoch = options.BatchesPerEpoch > 0 ? options.BatchesPerEpoch : Math.Max(1, _pool.Length / BatchSize);
        _rng = new Rng(options.Seed + (7919L * target));
        _order = _rng.Permutation(_pool.Length);
        _cost = options.StartAtZeroCost ? 0 : options.InitialCost;

        // The reference code starts from a uniform random mask and pattern, mapped into tanh space.
        _thetaMask = new float[plane];
        _thetaPattern = new float[channels * plane];
        for (var i = 0; i < _thetaMask.Length; i++)
        {
            _thetaMask[i] = Atanh(_rng.NextDouble());
        }

        for (var i = 0; i < _thetaPattern.Length; i++)
        {
            _thetaPattern[i] = Atanh(_rng.NextDouble());
        }

        (_mMask, _vMask) = (new float[plane], new float[plane]);
        (_mPattern, _vPattern) = (new float[channels * plane], new float[channels * plane]);
        (_mask, _pattern) = (new float[plane], new float[channels * plane]);
    }

    /// <summary>The class.</summary>
    public int Target { get; }

    /// <summary>Images this class stamps per step.</summary>
    public int BatchSize { get; }

    /// <summary>Whether the class has stopped.</summary>
    public bool Done { get; private set; }

    /// <summary>Mini-batches run so far.</summary>
    public int StepsTaken { get; private set; }

    /// <summary>Draws the next mini-batch, stamps it with the current trigger into <paramref name="batch"/> at <paramref name="offset"/> samples, and sets the target labels.</summary>
    public void Stamp(float[] source, float[] batch, int[] labels, int offset, int per)
    {
        Decode();
        for (var j = 0; j < BatchSize; j++)
        {
            if (_cursor == _order.Length)
            {
                (_order, _cursor) = (_rng.Permutation(_pool.Length), 0);
            }

            _drawn[j] = _pool[_order[_cursor++]];
            var from = _drawn[j] * per;
            var to = (offset + j) * per;
            for (var k = 0; k < per; k++)
            {
                var m = _mask[k % _plane];
                batch[to + k] = ((1f - m) * source[from + k]) + (m * _pattern[k]);
            }

            labels[offset + j] = Target;
        }
    }

    /// <summary>
    /// One Adam step from the summed cross-entropy's input gradient <paramref name="g"/> on the
    /// images last stamped (their clean originals are in <paramref name="source"/>), then the epoch
    /// bookkeeping.
    /// </summary>
    public void Update(ReadOnlySpan<float> g, float[] source, ReadOnlySpan<int> predicted)
    {
        var per = _channels * _plane;
        var dMask = new double[_plane];
        var dPattern = new double[per];
        for (var i = 0; i < BatchSize; i++)
        {
            for (var k = 0; k < per; k++)
            {
                var p = k % _plane;
                var gi = g[(i * per) + k];
                dMask[p] += gi * (_pattern[k] - source[(_drawn[i] * per) + k]);
                dPattern[k] += gi * _mask[p];
            }
        }

        var n = BatchSize;
        _adamStep++;
        for (var p = 0; p < _plane; p++)
        {
            var t = MathF.Tanh(_thetaMask[p]);
            var grad = (float)(((dMask[p] / n) + _cost) * (1 - (t * t)) / 2);
            Adam(_thetaMask, _mMask, _vMask, p, grad);
        }

        for (var k = 0; k < per; k++)
        {
            var t = MathF.Tanh(_thetaPattern[k]);
            var grad = (float)(dPattern[k] / n * (_hi - _lo) * (1 - (t * t)) / 2);
            Adam(_thetaPattern, _mPattern, _vPattern, k, grad);
        }

        var hits = 0;
        foreach (var label in predicted)
        {
            hits += label == Target ? 1 : 0;
        }

        _epochHits += hits;
        _epochSeen += n;
        _epochL1 += _mask.Sum(v => (double)v);
        StepsTaken++;
        if (++_batchInEpoch == _batchesPerEpoch)
        {
            EndEpoch();
        }

        if (StepsTaken >= _options.Steps)
        {
            Done = true;
        }
    }

    /// <summary>The kept mask and pattern (the last ones when no epoch reached the threshold), and whether one did.</summary>
    public (float[] Mask, float[] Pattern, bool Reached) Result()
    {
        if (_bestMask is not null)
        {
            return (_bestMask, _bestPattern!, true);
        }

        Decode();
        return ((float[])_mask.Clone(), (float[])_pattern.Clone(), false);
    }

    // The reference code's end of epoch: keep the best trigger, early stop, then the cost schedule.
    private void EndEpoch()
    {
        var success = _epochHits / (double)_epochSeen;
        var l1 = _epochL1 / _batchInEpoch;
        (_batchInEpoch, _epochHits, _epochSeen, _epochL1) = (0, 0, 0, 0);
        var hit = success >= _options.SuccessThreshold;
        if (hit && l1 < _bestL1)
        {
            Decode();
            (_bestL1, _bestMask, _bestPattern) = (l1, (float[])_mask.Clone(), (float[])_pattern.Clone());
        }

        if (_bestMask is not null)
        {
            _earlyStop = _bestL1 >= _options.EarlyStopThreshold * _earlyStopBest ? _earlyStop + 1 : 0;
        }

        _earlyStopBest = Math.Min(_bestL1, _earlyStopBest);
        if (_wentUp && _wentDown && _earlyStop >= _options.EarlyStopPatience)
        {
            Done = true;
            return;
        }

        if (_cost == 0 && hit)
        {
            if (++_costSet >= _options.Patience)
            {
                (_cost, _up, _down, _wentUp, _wentDown) = (_options.InitialCost, 0, 0, false, false);
            }
        }
        else
        {
            _costSet = 0;
        }

        (_up, _down) = hit ? (_up + 1, 0) : (0, _down + 1);
        if (_up >= _options.Patience)
        {
            (_up, _cost, _wentUp) = (0, _cost * _options.CostMultiplier, true);
        }
        else if (_down >= _options.Patience)
        {
            (_down, _cost, _wentDown) = (0, _cost / Math.Pow(_options.CostMultiplier, 1.5), true);
        }
    }

    private void Adam(float[] theta, float[] m, float[] v, int i, float grad)
    {
        m[i] = (Beta1 * m[i]) + ((1 - Beta1) * grad);
        v[i] = (Beta2 * v[i]) + ((1 - Beta2) * grad * grad);
        var mHat = m[i] / (1 - MathF.Pow(Beta1, _adamStep));
        var vHat = v[i] / (1 - MathF.Pow(Beta2, _adamStep));
        theta[i] -= _options.LearningRate * mHat / (MathF.Sqrt(vHat) + AdamEpsilon);
    }

    private void Decode()
    {
        for (var i = 0; i < _plane; i++)
        {
            _mask[i] = (MathF.Tanh(_thetaMask[i]) / 2f) + 0.5f;
        }

        for (var i = 0; i < _pattern.Length; i++)
        {
            _pattern[i] = _lo + ((_hi - _lo) * ((MathF.Tanh(_thetaPattern[i]) / 2f) + 0.5f));
        }
    }

    // θ with tanh(θ)/2 + 1/2 = u, u kept off 0 and 1 as the reference code does with (2 − ε).
    private static float Atanh(double u) => (float)Math.Atanh(Math.Clamp((u - 0.5) * 2, -0.999999, 0.999999));
}
