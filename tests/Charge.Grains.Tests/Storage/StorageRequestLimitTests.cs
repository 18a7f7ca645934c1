using System.Diagnostics.CodeAnalysis;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using Charge.Silo.Storage;

namespace Charge.Grains.Tests.Storage;

/// <summary>The silo's storage request limit: no more requests reach the store than allowed, and waiting for a slot is not timed as a try.</summary>
public sealed class StorageRequestLimitTests
{
    /// <summary>A store that answers 200 after <see cref="Hold"/>, counting the requests it has at once.</summary>
    private sealed class CountingTransport : HttpPipelineTransport
    {
        private int _inFlight;

        public TimeSpan Hold { get; init; } = TimeSpan.FromMilliseconds(100);

        /// <summary>When set, a request is held until it opens (not for a time: the machine may be slow).</summary>
        public TaskCompletionSource? Gate { get; init; }

        public int MostInFlight { get; private set; }

        public override Azure.Core.Request CreateRequest() => HttpClientTransport.Shared.CreateRequest();

        public override void Process(HttpMessage message) => ProcessAsync(message).AsTask().GetAwaiter().GetResult();

        public override async ValueTask ProcessAsync(HttpMessage message)
        {
            var now = Interlocked.Increment(ref _inFlight);
            lock (this)
            {
                MostInFlight = Math.Max(MostInFlight, now);
            }

            try
            {
                // The network timeout cancels this token: a try that outlives it fails.
                await (Gate is { } gate ? gate.Task.WaitAsync(message.CancellationToken) : Task.Delay(Hold, message.CancellationToken));
                message.Response = new Answer();
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }
    }

    private sealed class Answer : Response
    {
        public override int Status => 200;

        public override string ReasonPhrase => "OK";

        public override Stream? ContentStream { get; set; } = new MemoryStream();

        public override string ClientRequestId { get; set; } = "";

        public override void Dispose()
        {
        }

        protected override bool ContainsHeader(string name) => false;

        protected override IEnumerable<HttpHeader> EnumerateHeaders() => [];

        protected override bool TryGetHeader(string name, [NotNullWhen(true)] out string? value)
        {
            value = null;
            return false;
        }

        protected override bool TryGetHeaderValues(string name, [NotNullWhen(true)] out IEnumerable<string>? values)
        {
            values = null;
            return false;
        }
    }

    private static HttpPipeline Pipeline(CountingTransport store, StorageRequestLimit limit, TimeSpan networkTimeout)
    {
        var options = new BlobClientOptions { Transport = store };
        options.Retry.MaxRetries = 0;
        options.Retry.NetworkTimeout = networkTimeout;
        options.AddPolicy(limit, HttpPipelinePosition.PerRetry);
        return HttpPipelineBuilder.Build(options);
    }

    private static async Task<int> Send(HttpPipeline pipeline)
    {
        using var message = pipeline.CreateMessage();
        message.Request.Method = RequestMethod.Get;
        message.Request.Uri.Reset(new Uri("http://127.0.0.1:1/container/blob"));
        await pipeline.SendAsync(message, CancellationToken.None);
        return message.Response.Status;
    }

    [Fact]
    public async Task No_more_requests_reach_the_store_at_once_than_the_limit_and_every_one_is_answered()
    {
        var store = new CountingTransport { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        var limit = new StorageRequestLimit(2);
        var pipeline = Pipeline(store, limit, TimeSpan.FromSeconds(30));

        var sent = Enumerable.Range(0, 6).Select(_ => Send(pipeline)).ToArray();
        // Two reach the store and are held there; the other four wait at the limit.
        var waiting = await Charge.Tests.Eventually.Get(() => Task.FromResult(limit.Waiting), n => n == 4);
        store.Gate.SetResult();
        var answers = await Task.WhenAll(sent);

        Assert.Equal(2, store.MostInFlight);
        Assert.Equal(4, waiting);
        Assert.All(answers, status => Assert.Equal(200, status));
        Assert.Equal(0, limit.Waiting);
    }

    [Fact]
    public async Task Waiting_for_a_slot_does_not_count_against_a_tries_network_timeout()
    {
        // Each try takes 300 ms of a 1 s timeout; the fourth waits 900 ms for its slot first.
        var store = new CountingTransport { Hold = TimeSpan.FromMilliseconds(300) };
        var pipeline = Pipeline(store, new StorageRequestLimit(1), TimeSpan.FromSeconds(1));

        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Send(pipeline)));

        Assert.All(answers, status => Assert.Equal(200, status));
        Assert.Equal(1, store.MostInFlight);
    }
}
