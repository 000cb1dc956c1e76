namespace Gauntlet.Privacy.Accounting;

/// <summary>Grids of RDP orders α over which the accountant minimises ε.</summary>
public static class RdpOrders
{
    /// <summary>Opacus's <c>DEFAULT_ALPHAS</c>: 1.1, 1.2, …, 10.9, then 12, 13, …, 63 (150 orders).</summary>
    public static IReadOnlyList<double> Opacus { get; } =
        [.. Enumerable.Range(1, 99).Select(x => 1 + (x / 10.0)), .. Enumerable.Range(12, 52).Select(x => (double)x)];

    /// <summary>TF-Privacy's <c>compute_dp_sgd_privacy</c> grid: 1.25, 1.5, 1.75, 2, 2.25, 2.5, 3, 3.5, 4, 4.5, 5…63, 128, 256, 512.</summary>
    public static IReadOnlyList<double> TfPrivacy { get; } =
        [1.25, 1.5, 1.75, 2, 2.25, 2.5, 3, 3.5, 4, 4.5, .. Enumerable.Range(5, 59).Select(x => (double)x), 128, 256, 512];
}
