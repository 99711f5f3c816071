import { MemoryAgentStore } from "../../../services/agent/store/memory-store.js";
import { StepwiseCommitter } from "../../../services/agent/store/outcome-commit.js";
import { MemoryStreams } from "../../../services/agent/streams/memory-streams.js";
import { describeStoreSuite } from "./store-suite.js";

describeStoreSuite("in-process", async () => {
  const streams = new MemoryStreams();
  const store = new MemoryAgentStore();
  return { streams, store, committer: new StepwiseCommitter(streams, store), cleanup: () => streams.close() };
});
