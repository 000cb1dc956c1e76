using System.Text.Json.Nodes;

namespace Gauntlet.Server.Tests;

/// <summary>Every kind of bad request gets a 4xx with a JSON error body — never a 500 — and the server keeps serving.</summary>
public sealed class BadInputTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    public static TheoryData<string, string, int, string> JsonCases() => new()
    {
        { "wrong shape", """{"instances": [[0.1, 0.2, 0.3]]}""", 400, "784 values" },
        { "wrong dtype", """{"instances": [["a", "b"]]}""", 400, "arrays of numbers" },
        { "NaN", $$"""{"instances": [["NaN"{{string.Concat(Enumerable.Repeat(", 0.5", 783))}}]]}""", 400, "NaN" },
        { "out of range", $$"""{"instances": [[7{{string.Concat(Enumerable.Repeat(", 0.5", 783))}}]]}""", 400, "outside the model's input range" },
        { "unknown version", $$"""{"version": "99", "instances": [[0{{string.Concat(Enumerable.Repeat(", 0.5", 783))}}]]}""", 404, "version '99' is not served" },
        { "no instances", """{"inputs": []}""", 400, "\"instances\"" },
        { "empty", """{"instances": []}""", 400, "no samples" },
        { "not json", """{"instances": [""", 400, "not valid JSON" },
    };

    [Theory]
    [MemberData(nameof(JsonCases))]
    public async Task BadJson_Is4xxWithAJsonError(string name, string body, int status, string fragment)
    {
        var (code, json) = await fixture.Post("/v1/predict", ServerFixture.JsonContent(body));
        Assert.True(code == status, $"{name}: {code} {json}");
        Assert.Contains(fragment, json!["error"]!.GetValue<string>());
        Assert.Equal(status, json["status"]!.GetValue<int>());
    }

    [Fact]
    public async Task BadBinaryBodies_Are4xx()
    {
        var (raw, rawBody) = await fixture.Post("/v1/predict", ServerFixture.Bytes(new byte[100], "application/octet-stream"));
        Assert.Equal(400, raw);
        Assert.Contains("3136 bytes each", rawBody!["error"]!.GetValue<string>());

        var (intNpy, intBody) = await fixture.Post("/v1/predict", ServerFixture.Bytes(PredictionTests.Npy(new byte[784 * 8], "<i8", "(1, 28, 28)"), "application/x-npy"));
        Assert.Equal(415, intNpy);
        Assert.Contains("dtype", intBody!["error"]!.GetValue<string>());

        var (shapeNpy, shapeBody) = await fixture.Post("/v1/predict", ServerFixture.Bytes(PredictionTests.Npy(new byte[4 * 4], "<f4", "(2, 2)"), "application/x-npy"));
        Assert.Equal(400, shapeNpy);
        Assert.Contains("shape [2, 2]", shapeBody!["error"]!.GetValue<string>());

        var (garbage, _) = await fixture.Post("/v1/predict", ServerFixture.Bytes([1, 2, 3], "application/x-npy"));
        Assert.Equal(400, garbage);

        var (type, typeBody) = await fixture.Post("/v1/predict", ServerFixture.Bytes([1, 2, 3], "text/plain"));
        Assert.Equal(415, type);
        Assert.Contains("unsupported content type", typeBody!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task OversizeBody_Is413()
    {
        var (code, body) = await fixture.Post("/v1/predict", ServerFixture.Bytes(new byte[2 << 20], "application/octet-stream"));
        Assert.Equal(413, code);
        Assert.Contains("bytes", body!["error"]!.GetValue<string>());

        // Chunked (no Content-Length): Kestrel's limit stops it, still as JSON.
        var content = new StreamContent(new MemoryStream(new byte[2 << 20]));
        content.Headers.ContentType = new("application/octet-stream");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/predict") { Content = content };
        request.Headers.Add("X-Api-Key", ServerFixture.AliceKey);
        request.Headers.TransferEncodingChunked = true;
        using var response = await fixture.Client.SendAsync(request);
        Assert.Equal(413, (int)response.StatusCode);
        Assert.Contains("larger than", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task MissingOrWrongKey_Is401_RateLimitIs429()
    {
        var sample = ServerFixture.Json(fixture.Image(0));
        var (missing, missingBody) = await fixture.Post("/v1/predict", ServerFixture.JsonContent(sample), key: null);
        Assert.Equal(401, missing);
        Assert.Contains("missing API key", missingBody!["error"]!.GetValue<string>());
        var (wrong, wrongBody) = await fixture.Post("/v1/predict", ServerFixture.JsonContent(sample), key: "not-a-key-not-a-key-000");
        Assert.Equal(401, wrong);
        Assert.Equal("unknown API key.", wrongBody!["error"]!.GetValue<string>());

        // The 'slow' key may send one request per second: a quick burst of five gets 429s.
        var codes = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            codes.Add((await fixture.Post("/v1/predict", ServerFixture.JsonContent(sample), ServerFixture.SlowKey)).Status);
        }

        Assert.Equal(200, codes[0]);
        Assert.Contains(429, codes);
    }

    [Fact]
    public async Task UnknownModelName_AndRoute_Are404Json()
    {
        var (code, body) = await fixture.Post("/v1/models/other/predict", ServerFixture.JsonContent(ServerFixture.Json(fixture.Image(0))));
        Assert.Equal(404, code);
        Assert.Contains("no model 'other'", body!["error"]!.GetValue<string>());
        var (ok, _) = await fixture.Post("/v1/models/demo/predict", ServerFixture.JsonContent(ServerFixture.Json(fixture.Image(0))));
        Assert.Equal(200, ok);
        using var response = await fixture.Client.GetAsync("/v1/nothing");
        Assert.Equal(404, (int)response.StatusCode);
        Assert.Contains("no endpoint", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AfterEveryBadRequest_TheServerStillServes()
    {
        foreach (var body in new[] { "{", "[]", "{\"instances\": 5}", "{\"instances\": [[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]}" })
        {
            var (code, json) = await fixture.Post("/v1/predict", ServerFixture.JsonContent(body));
            Assert.InRange(code, 400, 499);
            Assert.NotNull(json!["error"]);
        }

        var (status, _) = await fixture.Post("/v1/predict", ServerFixture.JsonContent(ServerFixture.Json(fixture.Image(2))));
        Assert.Equal(200, status);
    }
}
