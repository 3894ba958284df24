// CommandBus
