using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using Gauntlet.Audit.Reporting;

namespace Gauntlet.Audit.Tests.Reporting;

/// <summary>Opens report.html in headless Chromium (installed by scripts/setup.sh): it must render, log nothing to the console and show the scorecard.</summary>
public sealed class HtmlReportBrowserTests : IDisposable
{
    private const string Chromium = "/usr/bin/chromium";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly string directory = Path.Combine(Path.GetTempPath(), "gauntlet-html-" + Guid.NewGuid().ToString("N"));

    public HtmlReportBrowserTests() => Directory.CreateDirectory(directory);

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void DemoReport_RendersInHeadlessChromium_WithTheScorecardOnTopAndNoConsoleMessages()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: run scripts/setup.sh (it installs the chromium package) to render report.html in this test.");
        var report = DemoAudit.Report;
        var html = Path.Combine(directory, HtmlReport.FileName);
        File.WriteAllText(html, HtmlReport.Render(report));
        var url = new Uri(html).AbsoluteUri;

        var png = Path.Combine(directory, "report.png");
        var (shotCode, _, _) = Run("--screenshot=" + png, "--window-size=1200,1600", "--hide-scrollbars", url);
        Assert.Equal(0, shotCode);
        var (domCode, dom, log) = Run("--enable-logging=stderr", "--v=0", "--dump-dom", url);
        Assert.Equal(0, domCode);

        Assert.Contains("<section id=\"scorecard\">", dom, StringComparison.Ordinal);
        Assert.Contains(report.Scorecard.OverallScore.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + "</div>", dom, StringComparison.Ordinal);
        Assert.DoesNotContain(log.Split('\n'), line => line.Contains(":CONSOLE", StringComparison.Ordinal) || line.Contains("net::ERR_", StringComparison.Ordinal));

        if (Environment.GetEnvironmentVariable("GAUNTLET_TEST_ARTIFACTS") is { Length: > 0 } keep)
        {
            // For looking at the page by eye: GAUNTLET_TEST_ARTIFACTS=/tmp/x dotnet test ...
            report.WriteAll(keep);
            File.Copy(png, Path.Combine(keep, "report.png"), overwrite: true);
        }

        var image = DecodePng(File.ReadAllBytes(png));
        Assert.Equal(1200, image.Width);
        Assert.Equal(1600, image.Height);
        // The scorecard sits in the top 400 rows: a grey panel, a coloured grade disc, bars and text
        // give many colours where a blank or failed page gives one.
        var colours = new HashSet<int>();
        for (var y = 0; y < 400; y++)
        {
            for (var x = 0; x < image.Width; x++)
            {
                var i = ((y * image.Width) + x) * 3;
                colours.Add((image.Rgb[i] << 16) | (image.Rgb[i + 1] << 8) | image.Rgb[i + 2]);
            }
        }

        Assert.True(colours.Count > 50, $"top of the page has only {colours.Count} colours: the scorecard did not render");
        var gradeColour = report.Scorecard.Grade switch { "A" => 0x1e8a4c, "B" => 0x5a9e2f, "C" => 0x9a7400, "D" => 0xd4661c, _ => 0xc0392b };
        Assert.Contains(gradeColour, colours);
    }

    private (int ExitCode, string Stdout, string Stderr) Run(params string[] arguments)
    {
        var start = new ProcessStartInfo(Chromium)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=" + Path.Combine(directory, "profile-" + Guid.NewGuid().ToString("N")) }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"chromium {string.Join(' ', arguments)} did not finish in {Timeout.TotalSeconds} s");
        }

        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Decodes an 8-bit, non-interlaced greyscale/RGB/RGBA PNG (what Chromium writes) to RGB bytes.</summary>
    private static (int Width, int Height, byte[] Rgb) DecodePng(byte[] file)
    {
        Assert.True(file.AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }), "not a PNG");
        int width = 0, height = 0, channels = 0;
        using var idat = new MemoryStream();
        for (var offset = 8; offset < file.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(offset));
            var type = System.Text.Encoding.ASCII.GetString(file, offset + 4, 4);
            var data = file.AsSpan(offset + 8, length);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                Assert.Equal(8, data[8]);
                Assert.Equal(0, data[12]);
                channels = data[9] switch { 0 => 1, 2 => 3, 4 => 2, 6 => 4, _ => throw new InvalidDataException("PNG colour type " + data[9]) };
            }
            else if (type == "IDAT")
            {
                idat.Write(data);
            }

            offset += 12 + length;
        }

        var stride = width * channels;
        var raw = new byte[height * (stride + 1)];
        idat.Position = 0;
        using (var zlib = new ZLibStream(idat, CompressionMode.Decompress))
        {
            zlib.ReadExactly(raw);
        }

        var pixels = new byte[height * stride];
        for (var y = 0; y < height; y++)
        {
            var filter = raw[y * (stride + 1)];
            for (var x = 0; x < stride; x++)
            {
                var value = raw[(y * (stride + 1)) + 1 + x];
                int a = x >= channels ? pixels[(y * stride) + x - channels] : 0;
                int b = y > 0 ? pixels[((y - 1) * stride) + x] : 0;
                int c = x >= channels && y > 0 ? pixels[((y - 1) * stride) + x - channels] : 0;
                pixels[(y * stride) + x] = (byte)(value + filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => throw new InvalidDataException("PNG filter " + filter),
                });
            }
        }

        var rgb = new byte[width * height * 3];
        for (var p = 0; p < width * height; p++)
        {
            for (var k = 0; k < 3; k++)
            {
                rgb[(p * 3) + k] = pixels[(p * channels) + (channels < 3 ? 0 : k)];
            }
        }

        return (width, height, rgb);
    }

    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
