using System.Diagnostics;
using System.Threading.Channels;
using Gauntlet.Defenses.Detection;
using Gauntlet.Tensors;

namespace Gauntlet.Server;

/// <summary>One sample's answer from the model.</summary>
/// <param name="Class">The predicted class.</param>
/// <param name="Probabilities">The softmax output.</param>
/// <param name="SqueezeScore">The feature-squeezing score, or null when squeezing is off.</param>
public sealed record Prediction(int Class, float[] Probabilities, double? SqueezeScore);

/// <summary>
/// Dynamic batching with a latency cap: samples from concurrent requests queue up; one worker
/// thread takes the first, waits at most <c>maxWait</c> for more (up to <c>maxBatch</c>), and runs
/// the model once on the batch. With <c>maxBatch</c> = 1 every sample is its own model call.
/// The model is only ever called from the worker thread.
/// </summary>
public sealed class InferenceBatcher : IDisposable
{
    private readonly Channel<(float[] Sample, TaskCompletionSource<Prediction> Done)> _queue =
        Channel.CreateUnbounded<(float[], TaskCompletionSource<Prediction>)>(new UnboundedChannelOptions { SingleReader = true });

    private readonly ServedModel _model;
    private readonly FeatureSqueezingDetector? _squeezer;
    private readonly int _maxBatch;
    private readonly TimeSpan _maxWait;
    private readonly Thread _worker;

    /// <summary>Starts the worker.</summary>
    /// <param name="model">The model.</param>
    /// <param name="maxBatch">Samples per model call at most.</param>
    /// <param name="maxWaitMs">The longest the first sample of a batch waits for company.</param>
    /// <param name="squeezer">The feature-squeezing detector scoring each batch, or null.</param>
    /// <param name="onBatch">Called with each batch's size and model time in seconds (for metrics).</param>
    public InferenceBatcher(ServedModel model, int maxBatch, double maxWaitMs, FeatureSqueezingDetector? squeezer, Action<int, double>? onBatch = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        _model = model;
        _maxBatch = maxBatch;
        _maxWait = TimeSpan.FromMilliseconds(Math.Max(0, maxWaitMs));
        _squeezer = squeezer;
        OnBatch = onBatch;
        _worker = new Thread(Run) { IsBackground = true, Name = "gauntlet-batcher" };
        _worker.Start();
    }

    private Action<int, double>? OnBatch { get; }

    /// <summary>Queues one sample (already validated: right length, finite) and completes with its prediction.</summary>
    public Task<Prediction> PredictAsync(float[] sample)
    {
        var done = new TaskCompletionSource<Prediction>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite((sample, done)))
        {
            throw new ObjectDisposedException(nameof(InferenceBatcher), "the server is stopping.");
        }

        return done.Task;
    }

    private void Run()
    {
        var reader = _queue.Reader;
        var batch = new List<(float[] Sample, TaskCompletionSource<Prediction> Done)>(_maxBatch);
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            batch.Clear();
            var deadline = Stopwatch.GetTimestamp() + (long)(_maxWait.TotalSeconds * Stopwatch.Frequency);
            while (batch.Count < _maxBatch)
            {
                if (reader.TryRead(out var item))
                {
                    batch.Add(item);
                    continue;
                }

                var left = deadline - Stopwatch.GetTimestamp();
                if (batch.Count == 0 || _maxBatch == 1 || left <= 0)
                {
                    if (batch.Count > 0)
                    {
                        break;
                    }

                    if (!reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
                    {
                        return;
                    }

                    continue;
                }

                // Wait for company until the deadline, without spinning.
                var wait = reader.WaitToReadAsync().AsTask();
                if (!wait.Wait(TimeSpan.FromSeconds((double)left / Stopwatch.Frequency)))
                {
                    break;
                }
            }

            Execute(batch);
        }
    }

    private void Execute(List<(float[] Sample, TaskCompletionSource<Prediction> Done)> batch)
    {
        try
        {
            var start = Stopwatch.GetTimestamp();
            var size = _model.SampleSize;
            var data = new float[batch.Count * size];
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Sample.CopyTo(data, i * size);
            }

            var input = Tensor.FromArray(data, new Shape([batch.Count, .. _model.SampleShape]));
            var probabilities = Ops.Softmax(_model.Classifier.Predict(input), 1);
            var scores = _squeezer?.Scores(input, batch.Count);
            var k = probabilities.Dim(1);
            var p = probabilities.ReadOnlySpan;
            OnBatch?.Invoke(batch.Count, Stopwatch.GetElapsedTime(start).TotalSeconds);
            for (var i = 0; i < batch.Count; i++)
            {
                var row = p.Slice(i * k, k).ToArray();
                var best = 0;
                for (var j = 1; j < k; j++)
                {
                    if (row[j] > row[best])
                    {
                        best = j;
                    }
                }

                batch[i].Done.TrySetResult(new Prediction(best, row, scores?[i]));
            }
        }
        catch (Exception e)
        {
            foreach (var item in batch)
            {
                item.Done.TrySetException(e);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _worker.Join(TimeSpan.FromSeconds(10));
    }
}
