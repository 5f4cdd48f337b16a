/** Minimal typings for the parts of `@rails/actioncable` the tests use (the package ships none). */
declare module '@rails/actioncable' {
  interface Subscription {
    perform(action: string, data?: object): boolean;
    send(data: object): boolean;
    unsubscribe(): void;
    identifier: string;
  }
  interface SubscriptionMixin {
    connected?(): void;
    disconnected?(): void;
    rejected?(): void;
    received?(data: unknown): void;
  }
  interface Consumer {
    subscriptions: { create(params: string | object, mixin?: SubscriptionMixin): Subscription };
    connect(): void;
    disconnect(): void;
    url: string;
  }
  const ActionCable: {
    adapters: { WebSocket: unknown; logger: unknown };
    createConsumer(url?: string): Consumer;
    logger: { enabled: boolean };
  };
  export default ActionCable;
}
