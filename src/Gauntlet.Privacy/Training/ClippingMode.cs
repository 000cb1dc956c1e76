namespace Gauntlet.Privacy.Training;

/// <summary>How DP-SGD bounds each sample's gradient.</summary>
public enum ClippingMode
{
    /// <summary>One L2 norm over all parameters: each sample's whole gradient is scaled to norm at most C (Abadi et al. 2016).</summary>
    Flat,

    /// <summary>
    /// Each parameter tensor is clipped on its own to <c>C/√K</c> (K tensors), so the whole gradient
    /// still has norm at most C and the same noise applies (McMahan et al. 2018; Opacus's per-layer
    /// clipping with an equal split).
    /// </summary>
    PerLayer,
}
