using Gauntlet.Tensors;

namespace Gauntlet.Poisoning.Triggers;

/// <summary>A backdoor trigger: stamps images <c>[N, C, H, W]</c> in place, the same way for every image.</summary>
public interface ITrigger
{
    /// <summary>A short description for manifests and reports, e.g. <c>badnets 4×4 white at (23, 23)</c>.</summary>
    string Describe();

    /// <summary>Stamps one image <c>[C, H, W]</c> (a span of C·H·W values) in place.</summary>
    /// <param name="image">The image's values, channel-major.</param>
    /// <param name="channels">C.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    void Apply(Span<float> image, int channels, int height, int width);
}

/// <summary>Applies triggers to whole batches.</summary>
public static class TriggerExtensions
{
    /// <summary>A copy of <paramref name="images"/> <c>[N, C, H, W]</c> with every image stamped.</summary>
    /// <exception cref="ArgumentException">The tensor is not <c>[N, C, H, W]</c>.</exception>
    public static Tensor ApplyToAll(this ITrigger trigger, Tensor images)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        ArgumentNullException.ThrowIfNull(images);
        if (images.Rank != 4)
        {
            throw new ArgumentException($"expected images [N, C, H, W]; got {images.Shape}.", nameof(images));
        }

        var copy = images.Detach().Clone();
        var (c, h, w) = (copy.Dim(1), copy.Dim(2), copy.Dim(3));
        var per = c * h * w;
        var span = copy.Span;
        for (var i = 0; i < copy.Dim(0); i++)
        {
            trigger.Apply(span.Slice(i * per, per), c, h, w);
        }

        return copy;
    }
}
