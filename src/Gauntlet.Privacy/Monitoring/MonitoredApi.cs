using Gauntlet.Models;
using Gauntlet.Tensors;

namespace Gauntlet.Privacy.Monitoring;

/// <summary>
/// A prediction API with a <see cref="PradaMonitor"/> in front: every sample it answers is shown
/// to the monitor under one client name, with the label the API answered, in the order received.
/// It answers exactly what the wrapped model answers (the monitor detects, it does not perturb).
/// </summary>
public sealed class MonitoredApi : IClassifier
{
    private readonly IClassifier _model;

    /// <summary>Puts <paramref name="monitor"/> in front of <paramref name="model"/> for <paramref name="client"/>.</summary>
    public MonitoredApi(IClassifier model, PradaMonitor monitor, string client)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(monitor);
        ArgumentNullException.ThrowIfNull(client);
        _model = model;
        Monitor = monitor;
        Client = client;
    }

    /// <summary>The monitor.</summary>
    public PradaMonitor Monitor { get; }

    /// <summary>The client every query is attributed to.</summary>
    public string Client { get; }

    /// <summary>Shapiro–Wilk W after the latest query, or null before the monitor tests.</summary>
    public double? LastW { get; private set; }

    /// <inheritdoc />
    public Shape SampleShape => _model.SampleShape;

    /// <inheritdoc />
    public int ClassCount => _model.ClassCount;

    /// <inheritdoc />
    public InputRange InputRange => _model.InputRange;

    /// <inheritdoc />
    public long QueryCount => _model.QueryCount;

    /// <inheritdoc />
    public bool HasGradients => false;

    /// <inheritdoc />
    public Tensor Predict(Tensor batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var logits = _model.Predict(batch);
        var labels = Ops.ArgMax(logits, 1);
        var n = batch.Dim(0);
        var per = batch.Size / n;
        var values = batch.ReadOnlySpan;
        for (var i = 0; i < n; i++)
        {
            LastW = Monitor.Observe(Client, values.Slice(i * per, per), labels[i]).W ?? LastW;
        }

        return logits;
    }

    /// <inheritdoc />
    /// <exception cref="NotSupportedException">Always: the API answers queries only.</exception>
    public (Tensor Gradient, Tensor Logits) LossGradient(Tensor batch, int[] labels, Func<Tensor, int[], Tensor> loss) =>
        throw new NotSupportedException("the monitored API answers queries only; it exposes no gradients.");
}
