namespace Gauntlet.Llm.Targets;

/// <summary>How an HTTP target is called: limits, retries and pacing.</summary>
public sealed record TargetOptions
{
    /// <summary>Time allowed for one HTTP request, reading the whole reply included.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries after a 429, a 5xx, a timeout or a failed connection (0: one attempt only).</summary>
    public int MaxRetries { get; init; } = 3;

    /// <summary>The first backoff delay; each retry doubles it (exponential backoff), then jitter takes a random part.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest backoff delay, also the cap on a server's <c>Retry-After</c>.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Requests in flight at once.</summary>
    public int Concurrency { get; init; } = 4;

    /// <summary>Sustained requests per second (token bucket refill rate); 0 or less: unlimited.</summary>
    public double RequestsPerSecond { get; init; }

    /// <summary>Token bucket size: requests that may go at once after a quiet spell.</summary>
    public int Burst { get; init; } = 4;

    /// <summary>Largest reply body read, in bytes; a longer one is a <see cref="TargetErrorKind.BadResponse"/>.</summary>
    public int MaxResponseBytes { get; init; } = 4 << 20;

    /// <summary>Seed of the jitter, so a run's waits are reproducible.</summary>
    public int Seed { get; init; }

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Timeout, TimeSpan.Zero, nameof(Timeout));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxRetries, nameof(MaxRetries));
        ArgumentOutOfRangeException.ThrowIfLessThan(Concurrency, 1, nameof(Concurrency));
        ArgumentOutOfRangeException.ThrowIfLessThan(Burst, 1, nameof(Burst));
        ArgumentOutOfRangeException.ThrowIfLessThan(BaseDelay, TimeSpan.Zero, nameof(BaseDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxResponseBytes, 1, nameof(MaxResponseBytes));
        if (!double.IsFinite(RequestsPerSecond))
        {
            throw new ArgumentOutOfRangeException(nameof(RequestsPerSecond), RequestsPerSecond, "must be finite");
        }
    }
}
