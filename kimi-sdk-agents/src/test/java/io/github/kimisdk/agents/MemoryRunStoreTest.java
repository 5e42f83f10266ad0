package io.github.kimisdk.agents;

class MemoryRunStoreTest extends RunStoreContract {
  @Override
  RunStore store() {
    return RunStore.inMemory();
  }
}
