package models

import (
	"genxai/config"
	"genxai/engine"
	"genxai/nets"
	"genxai/train"

	G "gorgonia.org/gorgonia"
)

// builder adapts a family's task constructor, which returns its own task
// type, to train.TaskBuilder.
func builder[T train.Task](newTask func(*config.Config, train.OptimConfig, string) (T, error)) train.TaskBuilder {
	return func(c *config.Config, o train.OptimConfig, executor string) (train.Task, error) {
		t, err := newTask(c, o, executor)
		if err != nil {
			return nil, err
		}
		return t, nil
	}
}

// netTask is what the single-network tasks (VAE, classifier, language model)
// share: the Store, the run's workspace, the training graph's step and the
// executors of their evaluation graphs, closed together. It provides the
// Kind, Store, Optimizers, Executor, Sync and Close methods of train.Task.
type netTask struct {
	kind      string
	store     *nets.Store
	executor  string // train.executor
	device    string // the config's device (auto, cpu or cuda)
	ws        *engine.Workspace
	train     *train.Step
	executors []engine.Executor // every executor made, for Close
}

// prepare makes the training graph net with its loss ready to step
// (train.Prepare, on the run's workspace; random lists its inputs filled with
// random values besides the dropout masks), then builds a forward-only
// executor for each evaluation graph, returned in the order given.
func (t *netTask) prepare(net *nets.Net, loss *G.Node, oc train.OptimConfig, random []engine.RandomInput, evals ...*nets.Net) ([]engine.Executor, error) {
	var err error
	if t.ws, err = taskWorkspace(t.executor, t.device, t.store); err != nil {
		return nil, err
	}
	if t.train, err = train.Prepare(net, loss, nil, t.executor, oc, t.ws, 0, random...); err != nil {
		return nil, err
	}
	t.executors = append(t.executors, t.train.Trainer)
	var out []engine.Executor
	for _, n := range evals {
		ex, err := train.NewExecutor(t.executor, n, nil, t.ws)
		if err != nil {
			return nil, err
		}
		t.executors = append(t.executors, ex)
		out = append(out, ex)
	}
	return out, nil
}

// step runs one optimizer step of the training graph once the batch is in its
// inputs (train.OptimizeStep).
func (t *netTask) step(in train.StepInput) (train.StepResult, error) {
	return train.OptimizeStep(t.train, in)
}

// Kind is the family's model.kind.
func (t *netTask) Kind() string { return t.kind }

// Store holds every tensor of the model.
func (t *netTask) Store() *nets.Store { return t.store }

// Optimizers has the single optimizer under the prefix "opt.".
func (t *netTask) Optimizers() map[string]*train.Optimizer {
	return map[string]*train.Optimizer{"opt.": t.train.Opt}
}

// Executor names the training graph's executor.
func (t *netTask) Executor() string { return t.train.Trainer.Name() }

// Sync brings the workspace's state back into the Store and the optimizer.
func (t *netTask) Sync() error { return t.ws.Sync() }

// Close releases the executors and the workspace.
func (t *netTask) Close() error {
	closeAll(t.executors...)
	return t.ws.Close()
}

// closeAll closes the executors that were made (nil ones are skipped).
func closeAll(executors ...engine.Executor) error {
	for _, e := range executors {
		if e != nil {
			e.Close()
		}
	}
	return nil
}
