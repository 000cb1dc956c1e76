namespace Gauntlet.Monitoring;

/// <summary>
/// One alert raised by a monitor: what tripped (<paramref name="Kind"/>), for whom
/// (<paramref name="Key"/>: an API key's name, or <c>*</c> for the whole stream), the statistic
/// that crossed its threshold, and when.
/// </summary>
/// <param name="Kind">The monitor and test, for example <c>drift.input.mmd</c> or <c>stateful</c>.</param>
/// <param name="Key">The API key's name the alert is about, or <c>*</c> for stream-wide alerts.</param>
/// <param name="Statistic">The value of the statistic.</param>
/// <param name="Threshold">The threshold it crossed.</param>
/// <param name="Time">When it was raised.</param>
/// <param name="Detail">A short explanation for people.</param>
public sealed record Alert(string Kind, string Key, double Statistic, double Threshold, DateTimeOffset Time, string Detail);
