package io.github.kimisdk.agents;

class MemoryRunStoreTest extends RunStoreContract {
  @Override
  protected RunStore store() {
    return RunStore.inMemory();
  }
}
