using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Gauntlet.Data;

namespace Gauntlet.Server.Tests;

/// <summary>One demo-model server on a free loopback port, with API keys, shared by a test class.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public const string AliceKey = "alice-key-0123456789abcdef";
    public const string SlowKey = "slow-key-0123456789abcdef0";
    public const string BobKey = "bob-key-0123456789abcdef012";
    public const string MalloryKey = "mallory-key-0123456789abcdef";

    public string Folder { get; } = Directory.CreateTempSubdirectory("gauntlet-server-").FullName;

    public GauntletServer Server { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public LabeledImages Data { get; } = FashionMnist.LoadEmbeddedDemo();

    public async Task InitializeAsync()
    {
        Server = await GauntletServer.StartAsync(new ServerOptions
        {
            Model = ServedModel.Demo(),
            LogFolder = Path.Combine(Folder, "log"),
            ApiKeys = ApiKeyStore.Parse($"alice {AliceKey}\nslow {SlowKey} 1\nbob {BobKey}\nmallory {MalloryKey}\n", "keys"),
            Reference = Data,
            MaxBodyBytes = 1 << 20,
            Prada = false,
        });
        Client = new HttpClient { BaseAddress = new Uri(Server.Url) };
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
    }

    /// <summary>Image <paramref name="index"/> of the embedded set, flattened.</summary>
    public float[] Image(int index) => Data.Images.ReadOnlySpan.Slice(index * 784, 784).ToArray();

    public static string Json(params float[][] samples) =>
        new JsonObject { ["instances"] = new JsonArray([.. samples.Select(s => (JsonNode)new JsonArray([.. s.Select(v => (JsonNode)v)]))]) }.ToJsonString();

    public async Task<(int Status, JsonNode? Body)> Post(string path, HttpContent content, string? key = AliceKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        using var response = await Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    public static StringContent JsonContent(string json) => new(json, Encoding.UTF8, "application/json");

    public static ByteArrayContent Bytes(byte[] bytes, string type)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(type);
        return content;
    }
}
