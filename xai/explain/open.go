package explain

import (
	"genxai/data"
	"genxai/models"
)

// OpenKind opens the run directory dir (models.Open) and checks that it holds a
// model of one of kinds (Expect): the first step of every explanation
// method. what names the method, and the flag when it takes more than one
// run, in the messages ("explain counterfactual --vae").
func OpenKind(dir, what string, kinds ...string) (*models.Run, error) {
	run, err := models.Open(dir)
	if err != nil {
		return nil, err
	}
	if err := run.Expect(what, kinds...); err != nil {
		return nil, err
	}
	return run, nil
}

// OpenImages is OpenKind for the methods that read the run's image data: it
// also returns the run's training and test sets (Images).
func OpenImages(dir, what string, kinds ...string) (run *models.Run, trainSet, testSet *data.Images, err error) {
	if run, err = OpenKind(dir, what, kinds...); err != nil {
		return nil, nil, nil, err
	}
	if trainSet, testSet, err = run.Images(); err != nil {
		return nil, nil, nil, err
	}
	return run, trainSet, testSet, nil
}
