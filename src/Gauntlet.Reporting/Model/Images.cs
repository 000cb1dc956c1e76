namespace Gauntlet.Reporting;

/// <summary>One image of an <see cref="ImageFigure"/>: a PNG embedded as a <c>data:</c> URI in HTML.</summary>
public sealed record Thumbnail
{
    /// <summary>The PNG file, base64-encoded; anything but base64 characters makes the image empty rather than break the page.</summary>
    public required string PngBase64 { get; init; }

    /// <summary>The alternative text: what the image shows.</summary>
    public required string Alt { get; init; }

    /// <summary>The short label under the image (<c>clean</c>, <c>adversarial</c>).</summary>
    public required string Label { get; init; }

    /// <summary>A relative path to the same image as a file, for Markdown; null when there is none (Markdown then omits the image and says so).</summary>
    public string? FilePath { get; init; }
}

/// <summary>A strip of images side by side with one caption, e.g. clean / adversarial / perturbation.</summary>
public sealed record ImageFigure
{
    /// <summary>The images, left to right.</summary>
    public required IReadOnlyList<Thumbnail> Images { get; init; }

    /// <summary>The caption under the strip.</summary>
    public IReadOnlyList<Inline> Caption { get; init; } = [];
}

/// <summary>A gallery of image strips, scaled up without smoothing (pixels stay visible).</summary>
public sealed record ImageStrips : Block
{
    /// <summary>The strips.</summary>
    public required IReadOnlyList<ImageFigure> Figures { get; init; }

    /// <summary>The displayed width and height of each image, in CSS pixels.</summary>
    public int ThumbnailSize { get; init; } = 84;
}
