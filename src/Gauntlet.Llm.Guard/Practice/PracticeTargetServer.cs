using System.Net;
using System.Text.Json.Nodes;
using Gauntlet.Llm.Guard.Hosting;
using Gauntlet.Llm.Practice;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Gauntlet.Llm.Guard.Practice;

/// <summary>
/// <c>gauntlet llm-target</c>: the deliberately vulnerable practice assistant
/// (<see cref="PracticeAssistant"/>) behind an OpenAI-compatible API — <c>POST /v1/chat/completions</c>
/// (streamed with <c>"stream": true</c>) and <c>GET /v1/models</c>. Fault models for testing clients:
/// <c>fault-500</c> answers HTTP 500, <c>fault-not-json</c> an HTML page, <c>fault-slow</c> waits 30 s,
/// <c>fault-429</c> answers 429 with <c>Retry-After: 1</c>.
/// </summary>
public static class PracticeTargetServer
{
    /// <summary>Starts the practice target.</summary>
    /// <param name="endpoint">Where to listen (port 0: any free port).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running host.</returns>
    public static Task<RunningHost> StartAsync(IPEndPoint endpoint, CancellationToken cancellationToken = default) =>
        LoopbackHost.StartAsync(endpoint, null, app =>
        {
            app.MapGet("/v1/models", () => Results.Text(
                new JsonObject { ["object"] = "list", ["data"] = new JsonArray(new JsonObject { ["id"] = PracticeAssistant.ModelName, ["object"] = "model", ["created"] = 0, ["owned_by"] = "gauntlet" }) }.ToJsonString(),
                "application/json"));
            app.MapPost("/v1/chat/completions", Complete);
        }, cancellationToken);

    private static async Task Complete(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = OpenAiWire.TryParse(await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false));
        if (body is null)
        {
            await Write(context, 400, "application/json", OpenAiWire.Error("request body is not JSON", "invalid_request_error")).ConfigureAwait(false);
            return;
        }

        var model = body["model"]?.GetValue<string>() ?? PracticeAssistant.ModelName;
        switch (model)
        {
            case "fault-500":
                await Write(context, 500, "application/json", OpenAiWire.Error("scripted internal error", "server_error")).ConfigureAwait(false);
                return;
            case "fault-not-json":
                await Write(context, 200, "text/html", "<html><body>Gateway login required</body></html>").ConfigureAwait(false);
                return;
            case "fault-429":
                context.Response.Headers.RetryAfter = "1";
                await Write(context, 429, "application/json", OpenAiWire.Error("scripted rate limit", "rate_limit_error")).ConfigureAwait(false);
                return;
            case "fault-slow":
                await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted).ConfigureAwait(false);
                break;
        }

        IReadOnlyList<Targets.ChatMessage> messages;
        try
        {
            messages = OpenAiWire.Messages(body);
        }
        catch (FormatException ex)
        {
            await Write(context, 400, "application/json", OpenAiWire.Error(ex.Message, "invalid_request_error")).ConfigureAwait(false);
            return;
        }

        var reply = PracticeAssistant.Reply(messages);
        var id = OpenAiWire.NewId();
        if (body["stream"]?.GetValue<bool>() != true)
        {
            await Write(context, 200, "application/json", OpenAiWire.Completion(id, model, reply).ToJsonString()).ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        await context.Response.WriteAsync(OpenAiWire.Event(OpenAiWire.Chunk(id, model, new JsonObject { ["role"] = "assistant", ["content"] = string.Empty }).ToJsonString()), context.RequestAborted).ConfigureAwait(false);
        for (var at = 0; at < reply.Length; at += 12)
        {
            var piece = reply.Substring(at, Math.Min(12, reply.Length - at));
            await context.Response.WriteAsync(OpenAiWire.Event(OpenAiWire.Chunk(id, model, new JsonObject { ["content"] = piece }).ToJsonString()), context.RequestAborted).ConfigureAwait(false);
            await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        }

        await context.Response.WriteAsync(OpenAiWire.Event(OpenAiWire.Chunk(id, model, [], "stop").ToJsonString()), context.RequestAborted).ConfigureAwait(false);
        await context.Response.WriteAsync(OpenAiWire.Event("[DONE]"), context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task Write(HttpContext context, int status, string contentType, string text)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        await context.Response.WriteAsync(text, context.RequestAborted).ConfigureAwait(false);
    }
}
