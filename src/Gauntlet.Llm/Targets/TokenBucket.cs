using System.Diagnostics;

namespace Gauntlet.Llm.Targets;

/// <summary>A token bucket: at most <c>burst</c> requests at once, refilled at <c>rate</c> per second.</summary>
public sealed class TokenBucket
{
    private readonly double _rate;
    private readonly double _capacity;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _gate = new();
    private double _tokens;
    private double _last;

    /// <summary>Creates a full bucket.</summary>
    /// <param name="rate">Tokens per second; 0 or less: unlimited.</param>
    /// <param name="burst">Capacity.</param>
    public TokenBucket(double rate, int burst)
    {
        _rate = rate;
        _capacity = Math.Max(1, burst);
        _tokens = _capacity;
    }

    /// <summary>Waits until a token is available and takes it.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the token is taken.</returns>
    public async Task TakeAsync(CancellationToken cancellationToken = default)
    {
        if (_rate <= 0)
        {
            return;
        }

        while (true)
        {
            TimeSpan wait;
            lock (_gate)
            {
                var now = _clock.Elapsed.TotalSeconds;
                _tokens = Math.Min(_capacity, _tokens + ((now - _last) * _rate));
                _last = now;
                if (_tokens >= 1)
                {
                    _tokens -= 1;
                    return;
                }

                wait = TimeSpan.FromSeconds((1 - _tokens) / _rate);
            }

            await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
        }
    }
}
